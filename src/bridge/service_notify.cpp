#include "service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace azbridge::bridge::detail {

bool notify_service_manager(std::string_view state, std::string& error) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return true;
  std::string p(path);
  // "@name" is an abstract socket: a leading NUL byte in sun_path.
  if (p.front() != '/' && p.front() != '@') {
    error = "NOTIFY_SOCKET is neither a path nor an abstract socket name";
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (p.size() >= sizeof(addr.sun_path)) {
    error = "NOTIFY_SOCKET is too long";
    return false;
  }
  std::memcpy(addr.sun_path, p.data(), p.size());
  if (p.front() == '@') addr.sun_path[0] = '\0';
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + p.size());
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  int saved = errno;
  ::close(fd);
  if (sent < 0) {
    error = std::strerror(saved);
    return false;
  }
  return true;
}

}  // namespace azbridge::bridge::detail
