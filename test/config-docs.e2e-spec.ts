import { apiVariables, freeradiusVariables, minus, readRepoFile, tableVariables } from './support/config-vars';

/**
 * Every variable the code reads is documented, and nothing documented is unread: the
 * README's configuration table against the config schema (and the sources that read
 * the environment directly), and freeradius/README.md's table against what run.sh and
 * the overlay read. A failure names the variables to add or remove.
 */
describe('configuration documentation', () => {
  it('finds table rows, several names per row, and stops at the next section', () => {
    const md = [
      '## Configuration',
      '',
      '| Variable | x |',
      '|---|---|',
      '| `A_B`, `C` | `NOT_ME` |',
      '| `D` | y |',
      '',
      '## Next',
      '| `E` |',
    ];
    expect(tableVariables(md.join('\n'), '## Configuration')).toEqual(['A_B', 'C', 'D']);
  });

  it('README.md "Configuration" lists exactly what the API reads', () => {
    const used = apiVariables();
    const documented = tableVariables(readRepoFile('README.md'), '## Configuration');
    expect({ addToReadmeConfigurationTable: minus(used, documented), notReadByTheApi: minus(documented, used) }).toEqual({
      addToReadmeConfigurationTable: [],
      notReadByTheApi: [],
    });
  });

  it('freeradius/README.md "Environment" lists exactly what run.sh and the overlay read', () => {
    const used = freeradiusVariables();
    const documented = tableVariables(readRepoFile('freeradius/README.md'), '## Environment');
    expect({ addToFreeradiusReadme: minus(used, documented), notReadByRunSh: minus(documented, used) }).toEqual({
      addToFreeradiusReadme: [],
      notReadByRunSh: [],
    });
  });
});
