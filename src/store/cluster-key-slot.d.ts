/** The package ioredis computes slots with ships no types: the one function we call. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0–16383) of a key, honouring its `{hash tag}`. */
  function calculateSlot(key: string): number;
  export = calculateSlot;
}
