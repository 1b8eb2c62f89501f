import type { JsonValue, MutationType, VariableType } from '@gallop/engine';

/** The JSON a variable of each type holds. */
export interface ValueTypes {
  STR: string;
  INT: number;
  DOUBLE: number;
  BOOL: boolean;
  JSON_OBJ: { readonly [key: string]: JsonValue };
  JSON_ARR: readonly JsonValue[];
  /** Base64 text. */
  BYTES: string;
  WF_RUN_ID: string;
  /** Epoch milliseconds. */
  TIMESTAMP: number;
}

/** A literal a variable of type `T` can hold; NULL fits every type, as in LittleHorse. */
export type ValueOf<T extends VariableType> = ValueTypes[T] | null;

/**
 * The types whose values a variable of type `T` takes without a cast, as the engine's isAssignable decides:
 * INT widens to DOUBLE, every primitive reads as STR, and JSON cannot tell INT from TIMESTAMP or STR from WF_RUN_ID.
 */
export type AssignableTo<T extends VariableType> = {
  STR: 'STR' | 'INT' | 'DOUBLE' | 'BOOL' | 'BYTES' | 'WF_RUN_ID' | 'TIMESTAMP';
  INT: 'INT' | 'TIMESTAMP';
  DOUBLE: 'DOUBLE' | 'INT' | 'TIMESTAMP';
  BOOL: 'BOOL';
  JSON_OBJ: 'JSON_OBJ';
  JSON_ARR: 'JSON_ARR';
  BYTES: 'BYTES';
  WF_RUN_ID: 'WF_RUN_ID' | 'STR';
  TIMESTAMP: 'TIMESTAMP' | 'INT';
}[T];

/** The types a value of type `T` can be ordered or compared with: numbers with numbers, text with text. */
export type ComparableWith<T extends VariableType> = T extends 'INT' | 'DOUBLE' | 'TIMESTAMP'
  ? 'INT' | 'DOUBLE' | 'TIMESTAMP'
  : T extends 'STR' | 'WF_RUN_ID' | 'BYTES'
    ? 'STR' | 'WF_RUN_ID' | 'BYTES'
    : T;

/** The mutations the engine applies to a variable of type `T` (its MUTATIONS_BY_TYPE). */
export type MutationOf<T extends VariableType> = {
  STR: 'ASSIGN' | 'ADD' | 'EXTEND';
  INT: 'ASSIGN' | 'ADD' | 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE' | 'POW';
  DOUBLE: 'ASSIGN' | 'ADD' | 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE' | 'POW';
  BOOL: 'ASSIGN' | 'AND' | 'OR';
  JSON_OBJ: 'ASSIGN' | 'REMOVE_KEY';
  JSON_ARR: 'ASSIGN' | 'ADD' | 'EXTEND' | 'REMOVE_IF_PRESENT' | 'REMOVE_INDEX';
  BYTES: 'ASSIGN' | 'EXTEND';
  WF_RUN_ID: 'ASSIGN';
  TIMESTAMP: 'ASSIGN';
}[T] &
  MutationType;

/** The literal a mutation `M` of a `T` variable takes on its right-hand side. */
export type MutationLiteral<T extends VariableType, M extends MutationType> = M extends 'ASSIGN'
  ? ValueOf<T>
  : M extends 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE' | 'REMOVE_INDEX' | 'POW'
    ? number
    : M extends 'AND' | 'OR'
      ? boolean
      : M extends 'REMOVE_KEY'
        ? string
        : M extends 'EXTEND'
          ? T extends 'JSON_ARR'
            ? readonly JsonValue[]
            : string
          : T extends 'INT' | 'DOUBLE'
            ? number
            : JsonValue;
