import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { DeadLetterId, DeadLetterPage, DeadLetterQuery, DeadLetterView } from './dead-letter.dto';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('accounting')
@AdminApi()
@Controller('api/accounting/dead-letters')
export class DeadLettersController {
  constructor(private readonly service: DeadLettersService) {}

  @Role('readonly')
  @Get()
  @ApiOkResponse({ type: DeadLetterPage, description: 'Accounting packets set aside because they can never be stored, newest first' })
  list(@Query() q: DeadLetterQuery) {
    return this.service.list(q);
  }

  @Role('readonly')
  @Get(':id')
  @ApiOkResponse({ type: DeadLetterView })
  @ApiNotFoundResponse()
  get(@Param() p: DeadLetterId) {
    return this.service.get(p.id);
  }

  /** Once the router or the API is fixed, an operator clears what was seen. */
  @Role('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param() p: DeadLetterId) {
    return this.service.remove(p.id);
  }
}
