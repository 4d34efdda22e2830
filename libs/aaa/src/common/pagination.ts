import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { BoundedInt, Optional } from './validation';

/** Far past any real list, and well inside what OFFSET (bigint) and a JavaScript number hold. */
export const OFFSET_MAX = 1_000_000_000;

/** One list shape everywhere: `{items, total, limit, offset}`. */
export class PageQuery {
  @ApiPropertyOptional({ default: 50 })
  @Optional()
  @Type(() => Number)
  @BoundedInt(1, 500)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0 })
  @Optional()
  @Type(() => Number)
  @BoundedInt(0, OFFSET_MAX)
  offset: number = 0;
}

export class Page<T> {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  items!: T[];

  static of<T>(items: T[], total: number, q: PageQuery): Page<T> {
    return Object.assign(new Page<T>(), { items, total, limit: q.limit, offset: q.offset });
  }
}
