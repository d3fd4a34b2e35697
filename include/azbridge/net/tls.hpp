// TLS contexts: verified clients by default, servers with our preferred suites.
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/net/tls_stream.hpp"

#include <string>

namespace azbridge::net {

struct client_tls_options {
  /// Verify the server certificate chain and host name. Turned off only by an explicit user choice.
  bool verify = true;
  /// Extra CA bundle (PEM) trusted in addition to the system store. The system store honours
  /// SSL_CERT_FILE and SSL_CERT_DIR as OpenSSL does.
  std::string ca_file;
};

/// TLS 1.2+ client context with the system trust store.
ssl::context make_client_context(const client_tls_options& options = {});

/// TLS 1.2+ server context from a PEM certificate chain and private key. Throws std::runtime_error with a
/// message naming the file that could not be used.
ssl::context make_server_context(const std::string& cert_chain_file, const std::string& private_key_file);

/// Prepares a client TLS stream for `host`: SNI (when host is a name) and host-name verification.
void prepare_client_stream(tls_stream& stream, const std::string& host, bool verify);

/// Offers the newest session ticket from an earlier connection to host:port (if any) and keeps the ticket this
/// connection receives, so the next connection resumes instead of a full handshake. Only for streams of a
/// context made by make_client_context; call after prepare_client_stream, before the handshake.
void enable_session_resumption(tls_stream& stream, const std::string& host, const std::string& port);

}  // namespace azbridge::net
