// One-line-per-event logging with UTC timestamps, azbridge's levels, text or JSON output.
//
// Levels follow azbridge's LogLevel names (NONE/QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG...).
// Never pass a secret (key, SAS token, connection string with a key) to a log call: callers redact.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace azbridge::log {

enum class level { trace = 0, debug, info, warning, error, fatal, none };

enum class format { text, json };

struct settings {
  level min_level = level::error;  // azbridge's default is Error
  format fmt = format::text;
  // Empty: stderr. Otherwise azbridge's rolling file naming: "<dir>/<stem>-YYYYMMDD<ext>".
  std::string file;
};

/// Applies new settings; safe to call before any thread starts. Throws std::runtime_error if the file
/// cannot be opened.
void configure(const settings& s);
const settings& current();

/// Parses azbridge's LogLevel names (case-insensitive). nullopt for unknown names.
std::optional<level> parse_level(std::string_view name);
std::string_view level_name(level l);

bool enabled(level l) noexcept;

/// Writes one event. `event` is a short PascalCase name (like azbridge's event names), `message` free text.
void write(level l, std::string_view event, std::string_view message);

template <class... Args>
void emit(level l, std::string_view event, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(l)) write(l, event, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(std::string_view event, fmt::format_string<Args...> f, Args&&... a) { emit(level::debug, event, f, std::forward<Args>(a)...); }
template <class... Args>
void info(std::string_view event, fmt::format_string<Args...> f, Args&&... a) { emit(level::info, event, f, std::forward<Args>(a)...); }
template <class... Args>
void warn(std::string_view event, fmt::format_string<Args...> f, Args&&... a) { emit(level::warning, event, f, std::forward<Args>(a)...); }
template <class... Args>
void error(std::string_view event, fmt::format_string<Args...> f, Args&&... a) { emit(level::error, event, f, std::forward<Args>(a)...); }

}  // namespace azbridge::log
