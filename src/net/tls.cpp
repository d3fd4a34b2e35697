#include "azbridge/net/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace azbridge::net {
namespace {

// ---- client-side TLS session resumption
//
// Every relayed connection opens fresh TLS connections to the relay (sender and rendezvous), so the full
// handshake (certificate chain parse and verify, the server's signature) was on the critical path of each new
// connection. We keep the newest session ticket per server ("host:port") on the client context and offer it
// on the next connection to that server: a resumed TLS 1.3 handshake still runs ECDHE (psk_dhe_ke, forward
// secrecy kept) but skips certificates and signatures. A ticket comes only from a handshake that passed the
// context's verification for that very host:port, so resuming never weakens verification. A server that
// rejects the ticket gets a full handshake, as before.

struct session_cache {
  std::mutex mutex;
  std::map<std::string, SSL_SESSION*, std::less<>> newest;  // peer -> one reference held here
  ~session_cache() {
    for (auto& [peer, session] : newest) SSL_SESSION_free(session);
  }
};

constexpr std::size_t max_cached_peers = 256;

void free_cache(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<session_cache*>(ptr); }
void free_peer(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<std::string*>(ptr); }

int cache_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_cache);
  return index;
}
int peer_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_peer);
  return index;
}

// OpenSSL calls this when the server's NewSessionTicket arrives (after the handshake, with TLS 1.3).
int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* peer = static_cast<std::string*>(SSL_get_ex_data(ssl, peer_index()));
  auto* cache = static_cast<session_cache*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), cache_index()));
  if (peer == nullptr || cache == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return 0;
  std::lock_guard lock(cache->mutex);
  auto it = cache->newest.find(*peer);
  if (it != cache->newest.end()) {
    SSL_SESSION_free(it->second);
    it->second = session;
  } else {
    if (cache->newest.size() >= max_cached_peers) {
      SSL_SESSION_free(cache->newest.begin()->second);
      cache->newest.erase(cache->newest.begin());
    }
    cache->newest.emplace(*peer, session);
  }
  return 1;  // we keep the reference
}

void apply_common(ssl::context& ctx) {
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // AES-128-GCM first: same security margin for our use, ~9% less CPU per byte than AES-256.
  SSL_CTX_set_ciphersuites(native, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384");
}

}  // namespace

ssl::context make_client_context(const client_tls_options& options) {
  ssl::context ctx(ssl::context::tls_client);
  apply_common(ctx);
  if (options.verify) {
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    ctx.set_default_verify_paths();  // honours SSL_CERT_FILE / SSL_CERT_DIR
    if (!options.ca_file.empty()) {
      error_code ec;
      ctx.load_verify_file(options.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load CA file " + options.ca_file + ": " + ec.message());
    }
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_ex_data(native, cache_index(), new session_cache);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(native, on_new_session);
  return ctx;
}

ssl::context make_server_context(const std::string& cert_chain_file, const std::string& private_key_file) {
  ssl::context ctx(ssl::context::tls_server);
  apply_common(ctx);
  error_code ec;
  ctx.use_certificate_chain_file(cert_chain_file, ec);
  if (ec) throw std::runtime_error("cannot use TLS certificate " + cert_chain_file + ": " + ec.message());
  ctx.use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot use TLS private key " + private_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    throw std::runtime_error("TLS private key " + private_key_file + " does not match certificate " + cert_chain_file);
  }
  // Stateless tickets let our clients resume (above); they need no server-side session cache, which would
  // only hold memory and take a lock per handshake. One ticket per handshake is all a client keeps.
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx.native_handle(), 1);
  return ctx;
}

void prepare_client_stream(tls_stream& stream, const std::string& host, bool verify) {
  error_code not_an_ip;
  asio::ip::make_address(host, not_an_ip);
  if (not_an_ip) {
    // SNI only for names (RFC 6066 forbids IP literals).
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
  }
  if (verify) {
    // OpenSSL checks the name (or IP address) against the certificate during the chain verification, as
    // RFC 6125 asks: wildcards in the left-most label only, IP literals against IP SANs.
    X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
    if (not_an_ip) {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    }
  }
}

void enable_session_resumption(tls_stream& stream, const std::string& host, const std::string& port) {
  SSL* native = stream.native_handle();
  auto* cache = static_cast<session_cache*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(native), cache_index()));
  if (cache == nullptr) return;  // not a context from make_client_context
  auto peer = std::make_unique<std::string>(host + ":" + port);
  {
    std::lock_guard lock(cache->mutex);
    auto it = cache->newest.find(*peer);
    if (it != cache->newest.end() && SSL_SESSION_is_resumable(it->second) == 1) SSL_set_session(native, it->second);
  }
  SSL_set_ex_data(native, peer_index(), peer.release());
}

}  // namespace azbridge::net
