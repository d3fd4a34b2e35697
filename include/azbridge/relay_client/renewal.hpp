// When to renew or refresh a token (sans-I/O).
//
// The official clients renew at the expiry instant and rely on the service's grace period
// (hybrid-connections-protocol.md §3.6). We renew "well before": at a fixed share of the token's lifetime
// (80 % by default), which also works for lifetimes of a few seconds.
#pragma once

#include <chrono>

namespace azbridge::relay_client {

using wall_clock = std::chrono::system_clock;

inline constexpr double default_renew_fraction = 0.8;

/// issued + (expires - issued) * fraction; `issued` when the lifetime is zero or negative (renew at once).
wall_clock::time_point renewal_point(wall_clock::time_point issued, wall_clock::time_point expires,
                                     double fraction = default_renew_fraction);

/// True once `now` has reached the renewal point: a cached token should be replaced.
bool refresh_due(wall_clock::time_point issued, wall_clock::time_point expires, wall_clock::time_point now,
                 double fraction = default_renew_fraction);

}  // namespace azbridge::relay_client
