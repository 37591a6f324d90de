import Type from 'typebox';

export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const DateTime = Type.String({ format: 'date-time' });

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

export const TimelineEntry = Type.Object({ at: DateTime, what: Type.String() });

/** Shared list parameters: a time range and paging. */
export const RangeQuery = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive lower bound (ISO-8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive upper bound (ISO-8601)' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};
