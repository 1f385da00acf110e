import { z } from 'zod';

export const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable (capital letters, digits, underscores)');

/** A Kubernetes-style name: service ids, namespaces and object names share this shape. */
export const slug = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes, at most 48 characters');

/** A Kubernetes object in a namespace, such as a Deployment or a ConfigMap. */
export const objectRefSchema = z.strictObject({
  namespace: slug,
  name: slug,
});
