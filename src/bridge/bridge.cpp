// Stub of bridge::run until the forwarders land (they replace this file's body).
#include "azbridge/bridge/bridge.hpp"

#include "azbridge/util/log.hpp"

namespace azbridge::bridge {

int run(const config::config& cfg, const run_options&) {
  log::error("BridgeNotImplemented", "forwarders are not implemented yet ({} local, {} remote configured)",
             cfg.local_forwards.size(), cfg.remote_forwards.size());
  return 1;
}

}  // namespace azbridge::bridge
