/** TypeBox pieces every schema here uses: the API's, the config's and the spill files'. */
import Type from 'typebox';

export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An ISO-8601 instant, as Date.prototype.toJSON writes it. */
export const Instant = Type.String({ format: 'date-time' });

/** A timeline kept as evidence: entries read back leniently (it is evidence, not control data). */
export const TimelineJson = Type.Array(Type.Object({ at: Type.String(), what: Type.String() }));
