/** The owner's profile: read, change, username availability. */
import { ProfileSchema, UsernameAvailabilitySchema } from "../../../../shared/api/profile.ts";
import type { Profile, UpdateProfile } from "../../../../shared/api/profile.ts";
import { api, query } from "../../lib/api.ts";

export function getProfile(): Promise<Profile> {
  return api("/api/v1/profile", { schema: ProfileSchema });
}

export function updateProfile(body: UpdateProfile): Promise<Profile> {
  return api("/api/v1/profile", { method: "PATCH", body, schema: ProfileSchema });
}

export function usernameAvailable(username: string) {
  return api(`/api/v1/profile/username-available${query({ username })}`, {
    schema: UsernameAvailabilitySchema,
  });
}
