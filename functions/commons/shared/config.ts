/** Reads a required environment variable, failing fast at module load with a message naming it. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`missing required environment variable ${name}`);
  }
  return value;
};

export const optionalEnv = (name: string, fallback: string): string => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
};

/** Local mode (npm start and the tests) is the only mode that accepts development defaults and http loopback. */
export const isLocalMode = (): boolean => process.env.REELHIRE_MODE === 'local';
