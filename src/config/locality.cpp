// Is an address "here"? azbridge requires bind addresses to be loopback or one of this machine's unicast
// addresses (it resolves names with Dns.GetHostEntry and compares with the interfaces' addresses).
#include "azbridge/config/validate.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

namespace azbridge::config {
namespace {

bool is_loopback(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    auto addr = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    return (addr >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) return a6.s6_addr[12] == 127;
  }
  return false;
}

bool same_address(const sockaddr* a, const sockaddr* b) {
  if (a->sa_family != b->sa_family) return false;
  if (a->sa_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(b)->sin_addr.s_addr;
  }
  if (a->sa_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(b)->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

bool is_interface_address(const sockaddr* sa) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (auto* it = list; it && !found; it = it->ifa_next) {
    if (it->ifa_addr && same_address(it->ifa_addr, sa)) found = true;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

bool is_local_host(std::string_view host) {
  std::string h(host);
  if (auto pct = h.find('%'); pct != std::string::npos) h.resize(pct);  // IPv6 zone id
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(h.c_str(), nullptr, &hints, &result) != 0) return false;
  bool local = false;
  for (auto* ai = result; ai && !local; ai = ai->ai_next) {
    if (ai->ai_addr && (is_loopback(ai->ai_addr) || is_interface_address(ai->ai_addr))) local = true;
  }
  freeaddrinfo(result);
  return local;
}

}  // namespace azbridge::config
