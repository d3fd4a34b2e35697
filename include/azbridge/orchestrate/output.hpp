// The results on stdout: short text for people and shell scripts (`open` prints just fqdn:port), or one
// JSON document with --output json.
#pragma once

#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/operations.hpp"

#include <string>
#include <vector>

namespace azbridge::orchestrate {

std::string render(const open_result& r, bool json);
std::string render(const close_result& r, bool json);
std::string render(const std::vector<session_row>& rows, bool json);
std::string render(const sweep_result& r, bool json);
/// {"error":{"status":N,"class":"device_offline","message":"..."}}
std::string render_error_json(exit_code code, std::string_view message);
std::string_view exit_code_name(exit_code code);

}  // namespace azbridge::orchestrate
