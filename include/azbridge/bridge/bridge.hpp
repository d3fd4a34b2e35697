// The main azbridge mode: run the local and remote forwarders of a configuration until stopped.
//
// The command line (src/cli) builds the effective configuration (config::load), configures logging, checks it
// with config::check_runnable() (at least one forward, a connection for each) and then calls run(). The
// forwarders implement run(); until they land, src/bridge/bridge.cpp is a stub that fails with status 1.
#pragma once

#include "azbridge/config/config.hpp"

namespace azbridge::bridge {

struct run_options {
  /// --svc: started by a service manager (systemd Type=notify, launchd). The configuration came from
  /// /etc/azbridge/azbridge_config.svc.yml; stop cleanly on SIGTERM, and tell systemd when ready
  /// (sd_notify "READY=1" via $NOTIFY_SOCKET) if it asked.
  bool service_mode = false;
};

/// Starts every forward of `cfg` and runs until SIGINT/SIGTERM. Returns the process exit status:
/// 0 after a clean stop, 1 when a forwarder could not start (and cfg.effective_exit_on_forward_failure())
/// or on another runtime failure. Messages go through azbridge::log (already configured by the caller).
/// `cfg` has passed config::check_runnable(); connections per forward: config::effective_connection().
int run(const config::config& cfg, const run_options& options);

}  // namespace azbridge::bridge
