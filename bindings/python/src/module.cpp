// directline._directline: the compiled half of the Python package.
//
// A thin layer over bindings/cpp/directline.hpp (so over the C ABI only). It
// deals in plain values (str, int, tuples); the pure-Python package builds the
// public API (Token, Conversation, dicts, exception classes) on top of it.
// Every call that can wait on the network releases the GIL, so Python threads
// sharing one client run their requests in parallel.
#include <directline.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

using TokenTuple = std::tuple<std::string, std::optional<std::string>, int>;

TokenTuple to_tuple(const directline::Token &t) {
  return {t.value(), t.conversation_id(), t.expires_in()};
}

// (json, is_own, reply_to_id, stream_id, stream_type, stream_sequence, signin_url): what
// the C accessors say, so Python never re-parses streaminfo or cards itself.
using ActivityTuple = std::tuple<std::string, bool, std::optional<std::string>, std::optional<std::string>,
                                 std::optional<std::string>, int, std::optional<std::string>>;

ActivityTuple to_tuple(const directline::Activity &a) {
  return {a.json(), a.is_own(), a.reply_to_id(), a.stream_id(), a.stream_type(), a.stream_sequence(),
          a.signin_url()};
}

// Runs a blocking native call without the GIL and takes the GIL back in this
// ordinary frame, never in a destructor. A daemon thread whose call returns
// while the interpreter finalizes is ended by pthread_exit when it asks for the
// GIL; that unwinding through a noexcept destructor (~gil_scoped_release)
// would call std::terminate and abort the whole process at exit.
template <typename F>
auto without_gil(F &&call) -> decltype(call()) {
  using Result = decltype(call());
  std::exception_ptr error;
  PyThreadState *state = PyEval_SaveThread();
  if constexpr (std::is_void_v<Result>) {
    try {
      call();
    } catch (...) {
      error = std::current_exception();
    }
    PyEval_RestoreThread(state);
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<Result> result;
    try {
      result.emplace(call());
    } catch (...) {
      error = std::current_exception();
    }
    PyEval_RestoreThread(state);
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

bool interpreter_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

// Freeing a conversation stops its receiver (joins threads, closes the
// socket): do that without holding the GIL.
template <typename T>
void release_without_gil(std::unique_ptr<T> &owned) {
  if (!owned) return;
  if (interpreter_finalizing()) {
    owned.reset();
    return;
  }
  without_gil([&] { owned.reset(); });
}

class PyConversation {
 public:
  explicit PyConversation(directline::Conversation &&c)
      : conv_(std::make_unique<directline::Conversation>(std::move(c))) {}
  PyConversation(const PyConversation &) = delete;
  PyConversation &operator=(const PyConversation &) = delete;
  ~PyConversation() { release_without_gil(conv_); }

  directline::Conversation &get() { return *conv_; }

 private:
  std::unique_ptr<directline::Conversation> conv_;
};

class PyClient {
 public:
  explicit PyClient(const directline::ClientOptions &options)
      : client_(std::make_unique<directline::Client>(options)) {}
  PyClient(const PyClient &) = delete;
  PyClient &operator=(const PyClient &) = delete;
  ~PyClient() { release_without_gil(client_); }

  directline::Client &get() { return *client_; }

 private:
  std::unique_ptr<directline::Client> client_;
};

std::chrono::milliseconds ms(int v) { return std::chrono::milliseconds(v); }

// Raises the package's own exception class (directline._errors builds it from
// the C error fields), so Python code sees DirectLineError subclasses.
void raise_python_error(const directline::Error &e) {
  py::object factory = py::module_::import("directline._errors").attr("_from_native");
  auto retry = e.retry_after();
  py::object retry_after = retry ? py::object(py::int_(retry->count())) : py::object(py::none());
  py::object exc = factory(e.code(), e.http_status(), e.service_code(), std::string(e.what()),
                           retry_after);
  PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())), exc.ptr());
}

}  // namespace

PYBIND11_MODULE(_directline, m) {
  m.doc() = "Native core of the directline package (internal; use the `directline` package).";
  m.attr("__version__") = DL_VERSION_STRING;
  m.def("library_version", &directline::version,
        "Version of the loaded libdirectline (dl_version_string()).");
  m.def("result_string", &directline::result_string, py::arg("code"),
        "Short description of a dl_result code.");
  m.def(
      "result_name", [](int code) { return std::string(dl_result_name(code)); }, py::arg("code"),
      "Enumerator name of a dl_result code (\"DL_ETOKEN_EXPIRED\"; \"DL_UNKNOWN\" if none).");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const directline::Error &e) {
      raise_python_error(e);
    }
  });

  py::class_<PyConversation>(m, "Conversation", "A native conversation handle (internal).")
      .def_property_readonly("id", [](PyConversation &c) { return c.get().id(); })
      .def_property_readonly("token", [](PyConversation &c) { return c.get().token(); })
      .def_property_readonly("stream_url", [](PyConversation &c) { return c.get().stream_url(); })
      .def_property_readonly("expires_in", [](PyConversation &c) { return c.get().expires_in(); })
      .def_property_readonly("is_new", [](PyConversation &c) { return c.get().is_new(); })
      .def_property_readonly("is_ended", [](PyConversation &c) { return c.get().is_ended(); })
      .def_property_readonly("watermark", [](PyConversation &c) { return c.get().watermark(); })
      .def_property_readonly("user_id", [](PyConversation &c) { return c.get().user_id(); })
      .def(
          "post_activity",
          [](PyConversation &c, const std::string &activity_json) {
            return without_gil([&] { return c.get().post_activity(activity_json); });
          },
          py::arg("activity_json"))
      .def(
          "send_message",
          [](PyConversation &c, const std::string &user_id, const std::string &text) {
            return without_gil([&] { return c.get().send_message(user_id, text); });
          },
          py::arg("user_id"), py::arg("text"))
      .def(
          "upload",
          [](PyConversation &c, const std::string &user_id,
             const std::vector<std::tuple<std::string, std::string, py::bytes>> &files,
             const std::optional<std::string> &activity_json) {
            std::vector<directline::UploadFile> native;
            native.reserve(files.size());
            for (const auto &[name, content_type, data] : files)
              native.push_back({name, content_type, std::string(data)});
            return without_gil([&] { return c.get().upload(user_id, native, activity_json); });
          },
          py::arg("user_id"), py::arg("files"), py::arg("activity_json") = py::none())
      .def(
          "end",
          [](PyConversation &c, const std::string &user_id) {
            return without_gil([&] { return c.get().end(user_id); });
          },
          py::arg("user_id"))
      .def(
          "get_activities",
          [](PyConversation &c, const std::optional<std::string> &watermark) {
            return without_gil([&] { return c.get().get_activities(watermark); });
          },
          py::arg("watermark") = py::none())
      .def(
          "reconnect",
          [](PyConversation &c, const std::optional<std::string> &watermark) {
            without_gil([&] { c.get().reconnect(watermark); });
          },
          py::arg("watermark") = py::none())
      .def("refresh_token",
           [](PyConversation &c) {
             without_gil([&] { c.get().refresh_token(); });
           })
      .def(
          "set_token",
          [](PyConversation &c, const std::string &token) {
            without_gil([&] { c.get().set_token(token); });
          },
          py::arg("token"))
      .def(
          "next_activity",
          // An ActivityTuple, or None when nothing arrived within timeout_ms.
          [](PyConversation &c, int timeout_ms) -> std::optional<ActivityTuple> {
            std::optional<directline::Activity> activity;
            if (timeout_ms == 0) {
              // Cannot wait (a look at the queue): keeping the GIL spares a handoff to
              // another thread, which costs far more than the look (pollers call this often).
              activity = c.get().next_activity(0);
            } else {
              activity = without_gil([&] { return c.get().next_activity(timeout_ms); });
            }
            if (!activity) return std::nullopt;
            return to_tuple(*activity);
          },
          py::arg("timeout_ms"))
      .def("close",
           [](PyConversation &c) {
             without_gil([&] { c.get().close(); });
           })
      .def("export_state", [](PyConversation &c) { return c.get().export_state(); });

  py::class_<PyClient>(m, "Client", "A native client handle (internal).")
      .def(py::init([](std::optional<std::string> endpoint, int api_version, int connect_timeout_ms,
                       int request_timeout_ms, int retry_max_attempts, int retry_deadline_ms,
                       int retry_base_delay_ms, std::optional<std::string> user_agent,
                       std::optional<std::string> proxy, std::optional<std::string> ca_file,
                       bool insecure_skip_tls_verify, bool allow_insecure_http, int receive_mode,
                       int polling_interval_ms, bool disable_auto_refresh, bool stream_replies,
                       int max_response_bytes, int reconnect_base_delay_ms, int reconnect_max_delay_ms,
                       int receive_queue_limit) {
             directline::ClientOptions o;
             o.endpoint = endpoint.value_or("");
             o.api_version = static_cast<directline::ApiVersion>(api_version);
             o.connect_timeout = ms(connect_timeout_ms);
             o.request_timeout = ms(request_timeout_ms);
             o.retry_max_attempts = retry_max_attempts;
             o.retry_deadline = ms(retry_deadline_ms);
             o.retry_base_delay = ms(retry_base_delay_ms);
             o.user_agent = user_agent.value_or("");
             o.proxy = proxy.value_or("");
             o.ca_file = ca_file.value_or("");
             o.insecure_skip_tls_verify = insecure_skip_tls_verify;
             o.allow_insecure_http = allow_insecure_http;
             o.receive_mode = static_cast<directline::ReceiveMode>(receive_mode);
             o.polling_interval = ms(polling_interval_ms);
             o.disable_auto_refresh = disable_auto_refresh;
             o.stream_replies = stream_replies;
             o.max_response_bytes = max_response_bytes;
             o.reconnect_base_delay = ms(reconnect_base_delay_ms);
             o.reconnect_max_delay = ms(reconnect_max_delay_ms);
             o.receive_queue_limit = receive_queue_limit;
             return std::make_unique<PyClient>(o);
           }),
           py::kw_only(), py::arg("endpoint") = py::none(), py::arg("api_version") = 0,
           py::arg("connect_timeout_ms") = 0, py::arg("request_timeout_ms") = 0,
           py::arg("retry_max_attempts") = 0, py::arg("retry_deadline_ms") = 0,
           py::arg("retry_base_delay_ms") = 0, py::arg("user_agent") = py::none(),
           py::arg("proxy") = py::none(), py::arg("ca_file") = py::none(),
           py::arg("insecure_skip_tls_verify") = false, py::arg("allow_insecure_http") = false,
           py::arg("receive_mode") = 0, py::arg("polling_interval_ms") = 0,
           py::arg("disable_auto_refresh") = false, py::arg("stream_replies") = false,
           py::arg("max_response_bytes") = 0, py::arg("reconnect_base_delay_ms") = 0,
           py::arg("reconnect_max_delay_ms") = 0, py::arg("receive_queue_limit") = 0)
      .def_property_readonly("endpoint", [](PyClient &c) { return c.get().endpoint(); })
      .def(
          "generate_token",
          [](PyClient &c, const std::string &secret, const std::optional<std::string> &user_id,
             const std::optional<std::string> &user_name, const std::vector<std::string> &trusted_origins) {
            directline::TokenOptions options;
            options.user_id = user_id.value_or("");
            options.user_name = user_name.value_or("");
            options.trusted_origins = trusted_origins;
            return without_gil([&] { return to_tuple(c.get().generate_token(secret, options)); });
          },
          py::arg("secret"), py::arg("user_id") = py::none(), py::arg("user_name") = py::none(),
          py::arg("trusted_origins") = std::vector<std::string>{})
      .def(
          "refresh_token",
          [](PyClient &c, const std::string &token, const std::optional<std::string> &conversation_id) {
            return without_gil([&] { return to_tuple(c.get().refresh_token(token, conversation_id)); });
          },
          py::arg("token"), py::arg("conversation_id") = py::none())
      .def(
          "start_conversation",
          [](PyClient &c, const std::string &secret_or_token) {
            return without_gil(
                [&] { return std::make_unique<PyConversation>(c.get().start_conversation(secret_or_token)); });
          },
          py::arg("secret_or_token"))
      .def(
          "start_conversation_with",
          [](PyClient &c, const std::string &secret_or_token, const std::optional<std::string> &user_id,
             const std::optional<std::string> &user_name, const std::optional<std::string> &locale,
             const std::optional<std::string> &local_timezone, bool send_start_event) {
            directline::StartOptions options;
            options.user_id = user_id;
            options.user_name = user_name;
            options.locale = locale;
            options.local_timezone = local_timezone;
            options.send_start_event = send_start_event;
            return without_gil([&] {
              return std::make_unique<PyConversation>(c.get().start_conversation(secret_or_token, options));
            });
          },
          py::arg("secret_or_token"), py::arg("user_id") = py::none(), py::arg("user_name") = py::none(),
          py::arg("locale") = py::none(), py::arg("local_timezone") = py::none(),
          py::arg("send_start_event") = false)
      .def(
          "fetch_token",
          [](PyClient &c, const std::string &token_endpoint_url) {
            return without_gil([&] { return to_tuple(c.get().fetch_token(token_endpoint_url)); });
          },
          py::arg("token_endpoint_url"))
      .def(
          "fetch_regional_endpoint",
          [](PyClient &c, const std::string &token_endpoint_url) {
            return without_gil([&] { return c.get().fetch_regional_endpoint(token_endpoint_url); });
          },
          py::arg("token_endpoint_url"))
      .def(
          "open_conversation",
          [](PyClient &c, const std::string &secret_or_token, const std::string &conversation_id,
             const std::optional<std::string> &watermark) {
            return without_gil([&] {
              return std::make_unique<PyConversation>(
                  c.get().open_conversation(secret_or_token, conversation_id, watermark));
            });
          },
          py::arg("secret_or_token"), py::arg("conversation_id"), py::arg("watermark") = py::none())
      .def(
          "resume_conversation",
          [](PyClient &c, const std::string &state_json) {
            return without_gil(
                [&] { return std::make_unique<PyConversation>(c.get().resume_conversation(state_json)); });
          },
          py::arg("state_json"));

  // Benchmark helper: the same generate_token call made n times from C++ (no
  // Python per call), so bench/python can compare Python's per-call cost with
  // the C call's in one run. Returns the elapsed seconds.
  m.def(
      "_native_generate_token_loop",
      [](PyClient &c, const std::string &secret, int n) {
        return without_gil([&] {
          auto start = std::chrono::steady_clock::now();
          const directline::TokenOptions no_options;
          for (int i = 0; i < n; ++i) c.get().generate_token(secret, no_options);
          return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        });
      },
      py::arg("client"), py::arg("secret"), py::arg("n"));
}
