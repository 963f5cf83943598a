/**
 * The paged read actions' `pageSize` and `bookmark`, as the REST lists' query
 * (schemas/common.ts PageQuery) but without the schema default: a default is not
 * applied inside the prepare body's union, and the ledger's own default (100) is the same.
 */
import { Type } from '@sinclair/typebox';
import { PageQuery } from '../../schemas/common';

export const PageParams = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'items per page, 1-1000 (default 100)' })),
  bookmark: PageQuery.bookmark,
};
