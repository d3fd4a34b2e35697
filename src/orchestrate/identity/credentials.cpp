#include "azbridge/orchestrate/identity/credentials.hpp"

#include "azbridge/orchestrate/identity/token_requests.hpp"
#include "azbridge/orchestrate/redact.hpp"
#include "run_process.hpp"

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace azbridge::identity {
namespace {

using orchestrate::http_client;
using orchestrate::http_request;
using orchestrate::http_response;
using orchestrate::network_error;
using namespace std::chrono;

std::string env_or(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

access_token accept_token(const http_response& res, std::string_view who) {
  if (res.status == 200) {
    auto t = parse_token_response(res.body, system_clock::now());
    if (!t) throw orchestrate::error(orchestrate::exit_code::service, fmt::format("{}: {}", who, t.error()));
    return std::move(*t);
  }
  if (res.status == 429 || res.status >= 500) {
    throw orchestrate::error(res.status == 429 ? orchestrate::exit_code::throttled : orchestrate::exit_code::service,
                             fmt::format("{}: {}", who, describe_token_error(res.status, res.body)));
  }
  throw authentication_failed(fmt::format("{} refused: {}", who, describe_token_error(res.status, res.body)));
}

// --- environment: AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET ---------------------------
class environment_credential final : public token_credential {
 public:
  environment_credential(http_client& http, const identity_environment& env, credential_options o)
      : http_(http), env_(env), o_(o) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    if (env_.tenant_id.empty() || env_.client_id.empty() || env_.client_secret.empty()) {
      throw credential_unavailable("environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set");
    }
    auto req = client_secret_request(authority(), env_.tenant_id, env_.client_id, env_.client_secret, scope);
    auto res = co_await http_.send(std::move(req), o_.request_timeout);
    co_return accept_token(res, "client secret token request");
  }
  std::string describe() const override { return "environment (client secret)"; }

 private:
  std::string authority() const { return env_.authority_host.empty() ? std::string(default_authority_host) : env_.authority_host; }
  http_client& http_;
  identity_environment env_;
  credential_options o_;
};

// --- workload identity: AZURE_FEDERATED_TOKEN_FILE ----------------------------------------------------
class workload_identity_credential final : public token_credential {
 public:
  workload_identity_credential(http_client& http, const identity_environment& env, credential_options o)
      : http_(http), env_(env), o_(o) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    if (env_.tenant_id.empty() || env_.client_id.empty() || env_.federated_token_file.empty()) {
      throw credential_unavailable(
          "workload identity: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not all set");
    }
    // Read each time: the file is rotated by the platform.
    std::ifstream in(env_.federated_token_file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string assertion = ss.str();
    while (!assertion.empty() && std::isspace(static_cast<unsigned char>(assertion.back()))) assertion.pop_back();
    if (!in || assertion.empty()) {
      throw authentication_failed("workload identity: cannot read AZURE_FEDERATED_TOKEN_FILE " + env_.federated_token_file);
    }
    auto authority = env_.authority_host.empty() ? std::string(default_authority_host) : env_.authority_host;
    auto req = client_assertion_request(authority, env_.tenant_id, env_.client_id, assertion, scope);
    auto res = co_await http_.send(std::move(req), o_.request_timeout);
    co_return accept_token(res, "workload identity token request");
  }
  std::string describe() const override { return "workload identity"; }

 private:
  http_client& http_;
  identity_environment env_;
  credential_options o_;
};

// --- App Service / Functions managed identity --------------------------------------------------------
class app_service_credential final : public token_credential {
 public:
  app_service_credential(http_client& http, const identity_environment& env, credential_options o)
      : http_(http), env_(env), o_(o) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    if (env_.identity_endpoint.empty() || env_.identity_header.empty()) {
      throw credential_unavailable("App Service managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set");
    }
    auto req = app_service_request(env_.identity_endpoint, env_.identity_header, scope_to_resource(scope), env_.client_id);
    auto res = co_await http_.send(std::move(req), o_.request_timeout);
    co_return accept_token(res, "App Service managed identity token request");
  }
  std::string describe() const override { return "managed identity (App Service)"; }

 private:
  http_client& http_;
  identity_environment env_;
  credential_options o_;
};

// --- IMDS managed identity (VMs, VMSS, AKS nodes, ACI) ----------------------------------------------
class imds_credential final : public token_credential {
 public:
  imds_credential(http_client& http, const identity_environment& env, credential_options o)
      : http_(http), env_(env), o_(o) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    auto host = env_.imds_host.empty() ? std::string(default_imds_host) : env_.imds_host;
    auto req = imds_request(host, scope_to_resource(scope), env_.client_id);
    // Until IMDS has answered once, a short timeout and no retries: on a laptop there is no IMDS.
    if (!seen_) req.retry = orchestrate::retry_mode::none;
    for (int attempt = 1;; ++attempt) {
      http_response res;
      try {
        res = co_await http_.send(req, seen_ ? o_.request_timeout : o_.imds_probe_timeout);
      } catch (const network_error&) {
        if (!seen_) throw credential_unavailable("managed identity (IMDS): no IMDS endpoint answered at " + host);
        throw;
      }
      seen_ = true;
      // 404: identity not yet propagated; IMDS documentation and SDKs retry it with backoff.
      if (res.status == 404 && attempt < 4) {
        co_await orchestrate::sleep_for(milliseconds(800 << (attempt - 1)));
        continue;
      }
      if (res.status == 400) {
        throw credential_unavailable("managed identity (IMDS): no managed identity is assigned here (" +
                                     describe_token_error(res.status, res.body) + ")");
      }
      co_return accept_token(res, "IMDS managed identity token request");
    }
  }
  std::string describe() const override { return "managed identity (IMDS)"; }

 private:
  http_client& http_;
  identity_environment env_;
  credential_options o_;
  bool seen_ = false;
};

// --- managed identity: App Service if its variables are set, else IMDS --------------------------------
class managed_identity_credential final : public token_credential {
 public:
  managed_identity_credential(http_client& http, const identity_environment& env, credential_options o)
      : app_(http, env, o), imds_(http, env, o), use_app_(!env.identity_endpoint.empty() && !env.identity_header.empty()) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    if (use_app_) co_return co_await app_.get_token(scope);
    co_return co_await imds_.get_token(scope);
  }
  std::string describe() const override { return use_app_ ? app_.describe() : imds_.describe(); }

 private:
  app_service_credential app_;
  imds_credential imds_;
  bool use_app_;
};

// --- Azure CLI -------------------------------------------------------------------------------------
class azure_cli_credential final : public token_credential {
 public:
  azure_cli_credential(const identity_environment& env, credential_options o) : env_(env), o_(o) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    auto argv = az_cli_arguments(env_.az_path, scope_to_resource(scope), env_.tenant_id);
    auto r = co_await detail::run_process(argv, o_.cli_timeout);
    if (r.spawn_errno == ENOENT) throw credential_unavailable("Azure CLI: '" + env_.az_path + "' is not installed");
    if (r.spawn_errno != 0) {
      throw credential_unavailable(fmt::format("Azure CLI: cannot run '{}': {}", env_.az_path, std::strerror(r.spawn_errno)));
    }
    if (r.timed_out) throw authentication_failed("Azure CLI: 'az account get-access-token' did not finish in time");
    if (r.exit_code != 0) {
      if (r.err.find("az login") != std::string::npos || r.err.find("az account set") != std::string::npos) {
        throw credential_unavailable("Azure CLI: not logged in (run 'az login')");
      }
      auto line = r.err.substr(0, r.err.find('\n'));
      throw authentication_failed(fmt::format("Azure CLI: 'az account get-access-token' failed (exit {}): {}",
                                              r.exit_code, orchestrate::redact_text(line)));
    }
    auto t = parse_az_cli_output(r.out);
    if (!t) throw authentication_failed("Azure CLI: " + t.error());
    co_return std::move(*t);
  }
  std::string describe() const override { return "Azure CLI"; }

 private:
  identity_environment env_;
  credential_options o_;
};

// --- the chain -----------------------------------------------------------------------------------------
class chained_credential final : public token_credential {
 public:
  explicit chained_credential(std::vector<std::unique_ptr<token_credential>> links) : links_(std::move(links)) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    if (selected_ != nullptr) co_return co_await selected_->get_token(scope);
    std::string reasons;
    for (auto& c : links_) {
      try {
        auto t = co_await c->get_token(scope);
        selected_ = c.get();
        co_return t;
      } catch (const credential_unavailable& e) {
        reasons += "\n  ";
        reasons += e.what();
      }
    }
    throw credential_unavailable("no Entra ID credential is available:" + reasons);
  }
  std::string describe() const override {
    return selected_ ? selected_->describe() : std::string("default chain (environment, workload identity, managed identity, Azure CLI)");
  }

 private:
  std::vector<std::unique_ptr<token_credential>> links_;
  token_credential* selected_ = nullptr;
};

// --- cache -------------------------------------------------------------------------------------------
class cached_credential final : public token_credential {
 public:
  cached_credential(std::unique_ptr<token_credential> inner, seconds margin) : inner_(std::move(inner)), margin_(margin) {}
  net::awaitable<access_token> get_token(const std::string& scope) override {
    auto it = cache_.find(scope);
    if (it != cache_.end() && system_clock::now() + margin_ < it->second.expires_on) co_return it->second;
    auto t = co_await inner_->get_token(scope);
    cache_[scope] = t;
    co_return t;
  }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<token_credential> inner_;
  seconds margin_;
  std::map<std::string, access_token> cache_;
};

}  // namespace

identity_environment identity_environment::from_process() {
  identity_environment e;
  e.tenant_id = env_or("AZURE_TENANT_ID");
  e.client_id = env_or("AZURE_CLIENT_ID");
  e.client_secret = env_or("AZURE_CLIENT_SECRET");
  e.federated_token_file = env_or("AZURE_FEDERATED_TOKEN_FILE");
  e.authority_host = env_or("AZURE_AUTHORITY_HOST");
  e.identity_endpoint = env_or("IDENTITY_ENDPOINT");
  e.identity_header = env_or("IDENTITY_HEADER");
  e.imds_host = env_or("AZURE_POD_IDENTITY_AUTHORITY_HOST");
  e.az_path = env_or("AZBRIDGE_AZ_PATH", "az");
  return e;
}

std::optional<credential_kind> parse_credential_kind(std::string_view name) {
  static const std::pair<std::string_view, credential_kind> names[] = {
      {"auto", credential_kind::automatic},          {"environment", credential_kind::environment},
      {"workload-identity", credential_kind::workload_identity},
      {"managed-identity", credential_kind::managed_identity},
      {"app-service", credential_kind::app_service}, {"imds", credential_kind::imds},
      {"azure-cli", credential_kind::azure_cli}};
  for (auto [n, k] : names) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view credential_kind_name(credential_kind kind) {
  switch (kind) {
    case credential_kind::automatic: return "auto";
    case credential_kind::environment: return "environment";
    case credential_kind::workload_identity: return "workload-identity";
    case credential_kind::managed_identity: return "managed-identity";
    case credential_kind::app_service: return "app-service";
    case credential_kind::imds: return "imds";
    case credential_kind::azure_cli: return "azure-cli";
  }
  return "auto";
}

std::unique_ptr<token_credential> make_credential(credential_kind kind, http_client& http, identity_environment env,
                                                  credential_options options) {
  std::unique_ptr<token_credential> c;
  switch (kind) {
    case credential_kind::environment: c = std::make_unique<environment_credential>(http, env, options); break;
    case credential_kind::workload_identity: c = std::make_unique<workload_identity_credential>(http, env, options); break;
    case credential_kind::managed_identity: c = std::make_unique<managed_identity_credential>(http, env, options); break;
    case credential_kind::app_service: c = std::make_unique<app_service_credential>(http, env, options); break;
    case credential_kind::imds: c = std::make_unique<imds_credential>(http, env, options); break;
    case credential_kind::azure_cli: c = std::make_unique<azure_cli_credential>(env, options); break;
    case credential_kind::automatic: {
      std::vector<std::unique_ptr<token_credential>> links;
      links.push_back(std::make_unique<environment_credential>(http, env, options));
      links.push_back(std::make_unique<workload_identity_credential>(http, env, options));
      links.push_back(std::make_unique<managed_identity_credential>(http, env, options));
      links.push_back(std::make_unique<azure_cli_credential>(env, options));
      c = std::make_unique<chained_credential>(std::move(links));
      break;
    }
  }
  return std::make_unique<cached_credential>(std::move(c), options.refresh_margin);
}

}  // namespace azbridge::identity
