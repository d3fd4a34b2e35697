#include "run_process.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace azbridge::identity::detail {
namespace {

using namespace net;
using namespace boost::asio::experimental::awaitable_operators;

constexpr std::size_t max_output = 1024 * 1024;

awaitable<void> read_all(asio::posix::stream_descriptor& fd, std::string& into) {
  std::array<char, 4096> buf;
  for (;;) {
    auto [ec, n] = co_await fd.async_read_some(asio::buffer(buf), nothrow);
    if (n > 0 && into.size() < max_output) into.append(buf.data(), std::min(n, max_output - into.size()));
    if (ec) co_return;  // EOF or error: either way the stream is done
  }
}

struct pipe_pair {
  int fds[2] = {-1, -1};
  pipe_pair() {
    if (::pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
  }
  ~pipe_pair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  int release(int i) {
    int fd = fds[i];
    fds[i] = -1;
    return fd;
  }
};

int decode_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

}  // namespace

awaitable<process_result> run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  process_result result;
  auto ex = co_await asio::this_coro::executor;
  pipe_pair out, err;
  if (out.fds[0] < 0 || err.fds[0] < 0) {
    result.spawn_errno = errno ? errno : EMFILE;
    co_return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.spawn_errno = rc;
    co_return result;
  }
  ::close(out.release(1));
  ::close(err.release(1));
  asio::posix::stream_descriptor out_fd(ex, out.release(0)), err_fd(ex, err.release(0));

  asio::steady_timer deadline(ex, timeout);
  auto outcome = co_await ((read_all(out_fd, result.out) && read_all(err_fd, result.err)) ||
                           deadline.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  // The pipes are closed: the child has exited or is about to. Poll without blocking the io_context.
  for (int i = 0;; ++i) {
    int wstatus = 0;
    pid_t w = ::waitpid(pid, &wstatus, i < 200 ? WNOHANG : 0);
    if (w == pid) {
      result.exit_code = decode_status(wstatus);
      break;
    }
    if (w < 0) break;
    if (i == 100) ::kill(pid, SIGKILL);  // closed its pipes but does not exit: give up on it after ~1 s
    asio::steady_timer t(ex, std::chrono::milliseconds(10));
    co_await t.async_wait(asio::use_awaitable);
  }
  co_return result;
}

}  // namespace azbridge::identity::detail
