/**
 * The Standard Schema interface (https://standardschema.dev, v1), copied from the spec as its
 * authors intend, so any conforming validator (Zod, Valibot, ArkType…) types and validates
 * event data without a dependency.
 */

/** A validator that implements Standard Schema: Zod, Valibot, ArkType, `staticSchema<T>()`. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaV1.Props<Input, Output>
}

// A type-only namespace, as the spec publishes it: erased at compile time.
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the spec: 1. */
    readonly version: 1
    /** The library that implements it, e.g. "zod". */
    readonly vendor: string
    /** Validates a value: its output, or the issues found. May be async. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>
    /** Inferred types, for the type checker only. */
    readonly types?: Types<Input, Output> | undefined
  }

  /** The result of `validate`. */
  export type Result<Output> = SuccessResult<Output> | FailureResult

  /** A valid value, after the schema's transforms. */
  export interface SuccessResult<Output> {
    readonly value: Output
    readonly issues?: undefined
  }

  /** An invalid value: at least one issue. */
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>
  }

  /** One problem, with where it is (`['address', 'zip']`). */
  export interface Issue {
    readonly message: string
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined
  }

  /** A path segment given as an object. */
  export interface PathSegment {
    readonly key: PropertyKey
  }

  /** The schema's input and output types. */
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input
    readonly output: Output
  }

  /** What the schema accepts. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input']

  /** What the schema produces. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output']
}
