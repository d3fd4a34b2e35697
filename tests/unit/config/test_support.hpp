// Helpers for configuration tests: throwaway files and a resolver-free locality check.
#pragma once

#include "azbridge/config/load.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace azbridge::config::test {

/// A file in a fresh temporary directory, removed (with the directory) at scope exit.
class temp_file {
 public:
  explicit temp_file(std::string_view content, std::string_view name = "azbridge_config.yml") {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("azb-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / std::string(name);
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

/// Local = loopback literals and "localhost"; no DNS, so tests are deterministic and fast.
inline bool fake_local(std::string_view host) {
  return host == "localhost" || host.substr(0, 4) == "127." || host == "::1";
}

/// Paths that never exist: the pipeline reads no machine or user file.
inline load_paths no_files() {
  return load_paths{"/nonexistent/azbridge-test/machine.yml", std::nullopt};
}

}  // namespace azbridge::config::test
