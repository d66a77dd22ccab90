/**
 * A resource's latest value, or undefined while it is failing. Solid throws a failed
 * resource's error when its value is read; pages show `resource.error` themselves instead.
 */
import type { Resource } from "solid-js";

export function valueOf<T>(resource: Resource<T>): T | undefined {
  return resource.error ? undefined : resource.latest;
}
