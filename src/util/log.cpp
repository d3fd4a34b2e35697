#include "azbridge/util/log.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace azbridge::log {
namespace {

struct state {
  settings cfg;
  std::mutex mu;
  std::FILE* file = nullptr;   // open rolling file, if any
  int file_day = -1;           // UTC day number the open file belongs to
};

state& global() {
  static state s;
  return s;
}

std::string json_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 8);
  for (unsigned char c : in) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// azbridge (Serilog rolling file) names files "<dir>/<stem>-YYYYMMDD<ext>".
std::string rolling_name(const std::string& base, const std::tm& utc) {
  std::filesystem::path p(base);
  auto stem = p.stem().string();
  auto ext = p.extension().string();
  auto name = fmt::format("{}-{:04}{:02}{:02}{}", stem, utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, ext);
  return (p.parent_path() / name).string();
}

std::FILE* open_for_day(state& s, const std::tm& utc) {
  int day = utc.tm_year * 400 + utc.tm_yday;
  if (s.file && s.file_day == day) return s.file;
  if (s.file) std::fclose(s.file);
  s.file = std::fopen(rolling_name(s.cfg.file, utc).c_str(), "a");
  s.file_day = day;
  return s.file;
}

}  // namespace

void configure(const settings& cfg) {
  auto& s = global();
  std::lock_guard lock(s.mu);
  if (s.file) {
    std::fclose(s.file);
    s.file = nullptr;
  }
  s.cfg = cfg;
  if (!cfg.file.empty()) {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    if (!open_for_day(s, utc)) {
      auto name = rolling_name(cfg.file, utc);
      s.cfg.file.clear();
      throw std::runtime_error("cannot open log file " + name);
    }
  }
}

const settings& current() { return global().cfg; }

std::optional<level> parse_level(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (n == "NONE" || n == "QUIET") return level::none;
  if (n == "FATAL") return level::fatal;
  if (n == "ERROR") return level::error;
  if (n == "WARNING" || n == "WARN") return level::warning;
  if (n == "INFO") return level::info;
  if (n == "VERBOSE") return level::trace;
  if (n == "DEBUG" || n == "DEBUG1" || n == "DEBUG2" || n == "DEBUG3") return level::debug;
  return std::nullopt;
}

std::string_view level_name(level l) {
  static constexpr std::array<std::string_view, 7> names{"trace", "debug", "info", "warning", "error", "fatal", "none"};
  return names[static_cast<std::size_t>(l)];
}

bool enabled(level l) noexcept {
  auto min = global().cfg.min_level;
  return min != level::none && l != level::none && l >= min;
}

void write(level l, std::string_view event, std::string_view message) {
  if (!enabled(l)) return;
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  auto stamp = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                           utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  auto& s = global();
  std::string line;
  if (s.cfg.fmt == format::json) {
    line = fmt::format(R"({{"time":"{}","level":"{}","event":"{}","message":"{}"}})", stamp, level_name(l),
                       json_escape(event), json_escape(message));
  } else {
    line = fmt::format("{} {:<7} {}: {}", stamp, level_name(l), event, message);
  }
  line += '\n';
  std::lock_guard lock(s.mu);
  std::FILE* out = stderr;
  if (!s.cfg.file.empty()) {
    if (auto* f = open_for_day(s, utc)) out = f;
  }
  std::fwrite(line.data(), 1, line.size(), out);
  std::fflush(out);
}

}  // namespace azbridge::log
