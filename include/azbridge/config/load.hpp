// Building the effective configuration exactly in azbridge's order (azbridge-compat.md §1.5):
//   1. the machine file (if it exists),
//   2. the user file ($HOME/.azbridge/azbridge_config.yml) or, when -f is given, that file instead,
//   3. all -o key:value overrides, as one layer,
//   4. the command-line scalars in azbridge's fixed order: -l, -v, -b, -e, -g, -q, -k, -K, -s, -x, -a
//      (-x replaces the whole connection: it discards -e/-K/-k/-s and any endpoint or key from files),
//   5. the forwards of -L, then -R, then -T, then -H, appended after those of the files.
//
// Merge rules (Config.Merge): every scalar set in a later layer overwrites; a later layer with an endpoint
// replaces the whole connection (builder), otherwise its key name/key/signature overwrite one by one; forward
// lists append; a layer that sets ClearAllForwardings: true first drops the forwards gathered before it.
//
// Deliberate deviations from azbridge, fixed rather than replicated:
//  * -o splits on the FIRST ':' only, so values with ':' (URIs, connection strings) work (azbridge truncates).
//  * KeepAliveInterval: a value set explicitly always wins (azbridge ignores a later 30, so it can never be
//    set back to the default).
//  * ExitOnForwardFailure: a value set explicitly wins (azbridge resets a machine-file `false` to true at every
//    later stage); unset means true.
//  * ClearAllForwardings clears only when the layer that sets it is merged (azbridge keeps clearing at every
//    later stage once any layer set it, so `-o` alone could drop the user file's forwards).
//  * An empty (or comments-only) file is an empty layer (azbridge: "Invalid configuration file").
//  * A missing -f file is an error that stops the program with exit status 2 (azbridge prints and exits 0).
//  * A UDP BindPort of -65536 is rejected (azbridge accepts it; no such port exists).
//  * LogLevel NONE means no logging (azbridge treats NONE as unknown and keeps ERROR; only QUIET/-q silence it).
//  * $HOME unset: no user file (azbridge looks for a file name with a literal backslash).
#pragma once

#include "azbridge/config/config.hpp"
#include "azbridge/config/validate.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace azbridge::config {

/// What the command line gave, as text: load() validates and applies it (messages name the option).
struct command_line {
  std::optional<std::string> keep_alive_interval;     // -a
  std::optional<std::string> bind_address;            // -b
  std::optional<std::string> endpoint_uri;            // -e
  std::optional<std::string> config_file;             // -f
  std::optional<std::string> log_file;                // -l
  std::optional<std::string> shared_access_key_name;  // -K
  std::optional<std::string> shared_access_key;       // -k
  std::optional<std::string> signature;               // -s
  std::optional<std::string> connection_string;       // -x
  bool gateway_ports = false;                         // -g
  bool quiet = false;                                 // -q
  bool verbose = false;                               // -v
  std::vector<std::string> local_forwards;            // -L
  std::vector<std::string> remote_forwards_legacy;    // -R
  std::vector<std::string> remote_forwards;           // -T
  std::vector<std::string> remote_http_forwards;      // -H
  std::vector<std::string> options;                   // -o key:value
};

/// Where the configuration files are. Injectable so that tests never touch /etc or $HOME.
struct load_paths {
  std::filesystem::path machine_file;               // read if it exists
  std::optional<std::filesystem::path> user_file;   // read if it exists and -f is not given
};

/// azbridge's locations: /etc/azbridge/azbridge_config.machine.yml and $HOME/.azbridge/azbridge_config.yml.
load_paths default_paths();

/// Reads and parses one file. A missing file gives an empty layer unless `required` (then
/// "The config file was not found: <path>"). Throws user_error (exit status 2) for any other problem.
config load_file(const std::filesystem::path& path, bool required, const locality_check& is_local);

/// Merges `later` into `into` with azbridge's rules (see above).
void merge(config& into, const config& later);

/// The whole pipeline. Throws user_error (exit status 2) with one clear message for any bad input.
config load(const command_line& cl, const load_paths& paths, const locality_check& is_local = is_local_host);

/// Checks before running forwarders (azbridge's Program.Run): at least one forward ("You must specify at
/// least one -L or -T forwarder."), and a connection for each ("Connection string(s) undefined; ..."),
/// valid in its combination of fields. Throws user_error (exit status 2).
void check_runnable(const config& c);

}  // namespace azbridge::config
