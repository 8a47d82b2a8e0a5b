/*
 * SWIG interface for the C# and Java bindings of directline.
 *
 * Built over capi/include/directline.h only. The wrapped surface is an
 * explicit whitelist: everything in the header is ignored, then the few
 * free functions and the result codes are let through, and the four opaque
 * handles get proxy classes (Native*) whose methods are small %extend helpers
 * that turn "int f(..., T **out)" into "T *f(...)".
 *
 * The generated layer is internal (Java: package-private classes in
 * dev.directline; C#: internal classes in DirectLine). The public, idiomatic
 * API is written by hand in bindings/java and bindings/csharp.
 *
 * Errors: every helper passes the library's result through dlswig_check();
 * a negative result marks the call as failed, and the %exception below,
 * still inside the same native call and thread, reads dl_error_last() (or
 * the glue's own failure, e.g. out of memory) and raises
 * DirectLineException (or its subclass) in the target language.
 *
 * Ownership: every factory helper is %newobject, so the proxy owns the handle
 * and its delete()/Dispose() calls the one dl_*_free exactly once (SWIG clears
 * the pointer afterwards). Owned strings (char ** outputs of the C API) are
 * returned as %newobject char * and released with dl_string_free by the
 * newfree typemap right after the copy into a Java/C# string.
 */
%module DirectLineNative

%{
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "directline.h"
%}

/* ------------------------------------------------------------------------ */
/* Whitelist                                                                 */
/* ------------------------------------------------------------------------ */

/* Ignore every declaration of the header by default ... */
%rename($ignore, %$isfunction, %$not %$ismember) "";
%rename($ignore, %$isclass) "";
%rename($ignore, %$isenum) "";
%rename($ignore, %$isconstant) "";
%rename($ignore, %$isvariable) "";
/* ... then let through exactly these. */
%rename("%s") dl_version_string;
%rename("%s") dl_result_string;
%rename("%s") dl_result_name;
%rename(NativeResultCode) dl_result;
%rename("%s", regextarget=1, %$isenumitem) "^DL_(OK|E[A-Z_]+)$";
%rename(NativeApiVersion) dl_api_version;
%rename("%s", regextarget=1, %$isenumitem) "^DL_API_V";
%rename(NativeReceiveMode) dl_receive_mode;
%rename("%s", regextarget=1, %$isenumitem) "^DL_RECEIVE_";

/* Enums become plain int constants (compile-time constants in Java). */
#if defined(SWIGJAVA)
%include "enumtypeunsafe.swg"
%javaconst(1);
#elif defined(SWIGCSHARP)
%include "enumsimple.swg"
%csconst(1);
#endif

/* ------------------------------------------------------------------------ */
/* Internal visibility of the generated layer                                */
/* ------------------------------------------------------------------------ */

#if defined(SWIGJAVA)
%typemap(javaclassmodifiers) SWIGTYPE "final class"
%typemap(javaclassmodifiers) enum SWIGTYPE "final class"
%pragma(java) moduleclassmodifiers="final class"
%pragma(java) jniclassclassmodifiers="final class"
/* The public layer frees handles (close() or a java.lang.ref.Cleaner). */
%typemap(javafinalize) SWIGTYPE ""
/* The JNI class loads the natives from the jar before any native method runs. */
%pragma(java) jniclasscode=%{
  static {
    NativeLoader.load();
  }
%}
#elif defined(SWIGCSHARP)
%typemap(csclassmodifiers) SWIGTYPE "internal class"
%typemap(csclassmodifiers) enum SWIGTYPE "internal sealed class"
%pragma(csharp) moduleclassmodifiers="internal class"
%pragma(csharp) imclassclassmodifiers="internal class"
/* The public layer frees handles (Dispose() or a SafeHandle's finalizer). */
%typemap(csdispose) SWIGTYPE %{
  public void Dispose() {
    Dispose(true);
  }
%}
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

%{
/* Set when the current call failed; reset by the %exception code before each call. */
static __thread int dlswig_failed;
/* Nonzero when the failure was found in this glue (e.g. out of memory while
   copying arguments) rather than reported by the library. */
static __thread int dlswig_local_code;
static __thread const char *dlswig_local_message;

static int dlswig_check(int rc) {
  if (rc < 0) dlswig_failed = 1;
  return rc;
}

static void dlswig_fail_local(int code, const char *message) {
  dlswig_failed = 1;
  dlswig_local_code = code;
  dlswig_local_message = message;
}

/* What to raise: this glue's own failure, else dl_error_last() (read here,
   inside the same native call and on the same thread as the failing call). */
typedef struct dlswig_failure {
  int code;
  int http_status;
  const char *service_code;
  const char *message;
  int retry_after_s;
} dlswig_failure;

static dlswig_failure dlswig_current_failure(void) {
  dlswig_failure f;
  if (dlswig_local_code) {
    f.code = dlswig_local_code;
    f.http_status = 0;
    f.service_code = "";
    f.message = dlswig_local_message ? dlswig_local_message : "";
    f.retry_after_s = -1;
  } else {
    const dl_error *e = dl_error_last();
    f.code = e->code;
    f.http_status = e->http_status;
    f.service_code = e->service_code ? e->service_code : "";
    f.message = e->message ? e->message : "";
    f.retry_after_s = e->retry_after_s;
  }
  return f;
}
%}

/* Helpers used by the %extend methods below (emitted before them). */
%{
/* Files for one upload call, with copies of their bytes (the caller's
   managed arrays may move once the call that added them returns). */
typedef struct dlswig_upload_batch {
  dl_upload_file *files;
  size_t count;
  size_t capacity;
} dlswig_upload_batch;

static void dlswig_upload_batch_clear(dlswig_upload_batch *batch) {
  size_t i;
  for (i = 0; i < batch->count; i++) {
    free((void *)batch->files[i].name);
    free((void *)batch->files[i].content_type);
    free((void *)batch->files[i].data);
  }
  free(batch->files);
  batch->files = NULL;
  batch->count = batch->capacity = 0;
}

static char *dlswig_strdup(const char *s) {
  size_t n;
  char *copy;
  if (!s) return NULL;
  n = strlen(s) + 1;
  copy = (char *)malloc(n);
  if (copy) memcpy(copy, s, n);
  return copy;
}

/* Copies one file into the batch; 0 when out of memory. */
static int dlswig_upload_batch_add(dlswig_upload_batch *batch, const char *name,
                                   const char *content_type, const void *data, size_t size) {
  dl_upload_file *file;
  void *copy;
  if (batch->count == batch->capacity) {
    size_t capacity = batch->capacity ? batch->capacity * 2 : 4;
    dl_upload_file *grown = (dl_upload_file *)realloc(batch->files, capacity * sizeof *grown);
    if (!grown) return 0;
    batch->files = grown;
    batch->capacity = capacity;
  }
  copy = malloc(size ? size : 1);
  if (!copy) return 0;
  if (size) memcpy(copy, data, size);
  file = &batch->files[batch->count];
  file->name = dlswig_strdup(name);
  file->content_type = dlswig_strdup(content_type);
  file->data = copy;
  file->size = size;
  if (!file->name || (content_type && !file->content_type)) {
    free((void *)file->name);
    free((void *)file->content_type);
    free(copy);
    return 0;
  }
  batch->count++;
  return 1;
}

/* Trusted origins travel as one string, one origin per line. */
static int dlswig_generate_token(dl_client *client, const char *secret, const char *user_id,
                                 const char *user_name, const char *origins_lines,
                                 dl_token **out) {
  dl_token_options options;
  const char **origins = NULL;
  char *buffer = NULL;
  size_t count = 0;
  int rc;
  dl_token_options_init(&options);
  options.user_id = user_id;
  options.user_name = user_name;
  if (origins_lines && *origins_lines) {
    size_t lines = 1;
    const char *scan;
    char *cursor;
    for (scan = origins_lines; *scan; scan++)
      if (*scan == '\n') lines++;
    buffer = dlswig_strdup(origins_lines);
    origins = (const char **)malloc(lines * sizeof *origins);
    if (!buffer || !origins) {
      free(buffer);
      free((void *)origins);
      *out = NULL;
      dlswig_fail_local(DL_ENOMEM, "out of memory copying the trusted origins");
      return DL_ENOMEM;
    }
    cursor = buffer;
    while (cursor) {
      char *newline = strchr(cursor, '\n');
      if (newline) *newline = '\0';
      if (*cursor) origins[count++] = cursor;
      cursor = newline ? newline + 1 : NULL;
    }
    options.trusted_origins = origins;
    options.trusted_origins_count = count;
  }
  rc = dl_generate_token(client, secret, &options, out);
  free((void *)origins);
  free(buffer);
  return rc;
}
%}


#if defined(SWIGJAVA)
%{
/* UTF-8 bytes for Java (see the string typemaps below); NULL if out of memory. */
static jbyteArray dlswig_java_bytes(JNIEnv *jenv, const char *text) {
  jsize length = (jsize)strlen(text);
  jbyteArray bytes = (*jenv)->NewByteArray(jenv, length);
  if (bytes) (*jenv)->SetByteArrayRegion(jenv, bytes, 0, length, (const jbyte *)text);
  return bytes;
}

/* Throws dev.directline.DirectLineException.fromNative(...) (a subclass per code). */
static void dlswig_raise(JNIEnv *jenv) {
  dlswig_failure e = dlswig_current_failure();
  jclass cls = (*jenv)->FindClass(jenv, "dev/directline/DirectLineException");
  if (!cls) return; /* NoClassDefFoundError is pending */
  jmethodID factory = (*jenv)->GetStaticMethodID(jenv, cls, "fromNative",
      "(II[B[BI)Ldev/directline/DirectLineException;");
  if (!factory) return;
  jbyteArray service_code = dlswig_java_bytes(jenv, e.service_code);
  jbyteArray message = dlswig_java_bytes(jenv, e.message);
  if (!service_code || !message) return; /* OutOfMemoryError is pending */
  jobject ex = (*jenv)->CallStaticObjectMethod(jenv, cls, factory, (jint)e.code,
      (jint)e.http_status, service_code, message, (jint)e.retry_after_s);
  if (ex && !(*jenv)->ExceptionCheck(jenv)) (*jenv)->Throw(jenv, (jthrowable)ex);
}
%}
%{
#define DLSWIG_RAISE() dlswig_raise(jenv)
%}
#elif defined(SWIGCSHARP)
%insert(runtime) %{
/* C# registers one callback that builds the exception and sets it pending. */
typedef void (SWIGSTDCALL *dlswig_raise_callback)(int code, int http_status,
    const char *service_code, const char *message, int retry_after_s);
static dlswig_raise_callback dlswig_raise_cs = 0;
SWIGEXPORT void SWIGSTDCALL DirectLineSwig_RegisterRaise(dlswig_raise_callback callback) {
  dlswig_raise_cs = callback;
}
%}
%{
static void dlswig_raise(void) {
  dlswig_failure e = dlswig_current_failure();
  if (dlswig_raise_cs)
    dlswig_raise_cs(e.code, e.http_status, e.service_code, e.message, e.retry_after_s);
}
%}
%{
#define DLSWIG_RAISE() dlswig_raise()
%}
%pragma(csharp) imclasscode=%{
  internal delegate void RaiseCallback(int code, int httpStatus, string serviceCode,
                                       string message, int retryAfterSeconds);

  internal sealed class RaiseHelper {
    // Kept in a static field so the delegate outlives every native call.
    static readonly RaiseCallback callback = Raise;

    [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="DirectLineSwig_RegisterRaise")]
    static extern void Register(RaiseCallback callback);

    static void Raise(int code, int httpStatus, string serviceCode, string message, int retryAfterSeconds) {
      SWIGPendingException.Set(global::DirectLine.DirectLineException.FromNative(
          code, httpStatus, serviceCode, message, retryAfterSeconds));
    }

    internal RaiseHelper() {
      global::DirectLine.NativeLoader.Preload();
      Register(callback);
    }
  }

  internal static readonly RaiseHelper raiseHelper = new RaiseHelper();
  // SWIG's PINVOKE class has an explicit static constructor (no beforefieldinit),
  // so this helper is created before the first P/Invoke of the class.
%}
#endif

/* The one %exception of the interface, spelled as its feature so that C# gets
   canthrow=1 (the proxies then rethrow the pending exception). */
%feature("except", canthrow=1) %{
  dlswig_failed = 0;
  dlswig_local_code = 0;
  $action
  if (dlswig_failed) {
    dlswig_failed = 0;
    DLSWIG_RAISE();
    return $null;
  }
%}

/* ------------------------------------------------------------------------ */
/* Strings                                                                   */
/* ------------------------------------------------------------------------ */

/* Owned strings from the library: copied into the target string, then freed. */
%typemap(newfree) char * "dl_string_free($1);";

#if defined(SWIGJAVA)
/* Strings cross JNI as UTF-8 bytes and are converted in Java: JNI's own string
   functions use "modified UTF-8", which mangles characters outside the BMP
   (emoji in a message would reach the service as invalid UTF-8). */
%typemap(jni) const char *, char * "jbyteArray"
%typemap(jtype) const char *, char * "byte[]"
%typemap(jstype) const char *, char * "String"
%typemap(javain) const char *, char * "Utf8.encode($javainput)"
%typemap(javaout) const char *, char * {
    return Utf8.decode($jnicall);
  }
%typemap(in) const char *, char * {
  $1 = 0;
  if ($input) {
    $1 = ($1_ltype)(*jenv)->GetByteArrayElements(jenv, $input, 0);
    if (!$1) return $null;
  }
}
%typemap(freearg) const char *, char * {
  if ($1) (*jenv)->ReleaseByteArrayElements(jenv, $input, (jbyte *)$1, JNI_ABORT);
}
%typemap(out) const char *, char * {
  if ($1) {
    jsize length = (jsize)strlen((const char *)$1);
    $result = (*jenv)->NewByteArray(jenv, length);
    if ($result) (*jenv)->SetByteArrayRegion(jenv, $result, 0, length, (const jbyte *)$1);
  }
}
#endif

#if defined(SWIGCSHARP)
/* Borrowed strings (const char * results) are decoded in C# from the pointer,
   while the handle is still referenced: on Mono this is several times cheaper
   than SWIG's default native-to-managed string callback. */
%typemap(ctype, out="const char *") const char * "char *"
%typemap(imtype, out="global::System.IntPtr") const char * "string"
%typemap(out) const char * %{ $result = $1; %}
%typemap(csout, excode=SWIGEXCODE) const char * {
    string ret = global::DirectLine.Utf8.FromNative($imcall);$excode
    return ret;
  }
#endif

/* ------------------------------------------------------------------------ */
/* The header itself (only the whitelisted parts are wrapped)                */
/* ------------------------------------------------------------------------ */

/* Empty struct declarations give the opaque handles proxy classes. */
%rename(NativeClient) dl_client;
%rename(NativeToken) dl_token;
%rename(NativeConversation) dl_conversation;
%rename(NativeActivity) dl_activity;
%rename(NativeUploadBatch) dlswig_upload_batch;
/* Handles only come from the library's factories: no default constructors. */
%nodefaultctor dl_token;
%nodefaultctor dl_conversation;
%nodefaultctor dl_activity;
struct dl_client {};
struct dl_token {};
struct dl_conversation {};
struct dl_activity {};

#define DL_API
%include "directline.h"

/* ------------------------------------------------------------------------ */
/* Opaque handles with proxy classes                                         */
/* ------------------------------------------------------------------------ */



/* Typemaps first: %extend members are wrapped where the struct is declared. */
#if defined(SWIGJAVA)
%apply (char *STRING, size_t LENGTH) { (char *bytes, size_t length) };
#elif defined(SWIGCSHARP)
/* byte[] in, copied by the P/Invoke marshaller for the duration of the call. */
%typemap(ctype) unsigned char *bytes "unsigned char *"
%typemap(imtype, inattributes="[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPArray)]") unsigned char *bytes "byte[]"
%typemap(cstype) unsigned char *bytes "byte[]"
%typemap(csin) unsigned char *bytes "$csinput"
%typemap(in) unsigned char *bytes %{ $1 = $input; %}
#endif
typedef struct dlswig_upload_batch {} dlswig_upload_batch;


%extend dlswig_upload_batch {
  dlswig_upload_batch() {
    return (dlswig_upload_batch *)calloc(1, sizeof(dlswig_upload_batch));
  }
  ~dlswig_upload_batch() {
    dlswig_upload_batch_clear($self);
    free($self);
  }
  /* Copies one file; raises InvalidArgument (null name or data) or OutOfMemory. */
#if defined(SWIGCSHARP)
  void add_file(const char *name, const char *content_type, unsigned char *bytes, int length) {
    if (!name || length < 0 || (length > 0 && !bytes))
      dlswig_fail_local(DL_EINVALID, "upload file needs a name and data");
    else if (!dlswig_upload_batch_add($self, name, content_type, bytes, (size_t)length))
      dlswig_fail_local(DL_ENOMEM, "out of memory copying an upload file");
  }
#else
  void add_file(const char *name, const char *content_type, char *bytes, size_t length) {
    if (!name || (length > 0 && !bytes))
      dlswig_fail_local(DL_EINVALID, "upload file needs a name and data");
    else if (!dlswig_upload_batch_add($self, name, content_type, bytes, length))
      dlswig_fail_local(DL_ENOMEM, "out of memory copying an upload file");
  }
#endif
  int file_count() const { return (int)$self->count; }
}

/* Method names avoid "dl_<struct>_<name>" collisions with the real C API
   (an %extend method m on dl_client becomes a C function dl_client_m). */

%newobject dl_client::dl_client;
%extend dl_client {
  dl_client(const char *endpoint, int api_version, int connect_timeout_ms,
            int request_timeout_ms, int retry_max_attempts, int retry_deadline_ms,
            int retry_base_delay_ms, const char *user_agent, const char *proxy,
            const char *ca_file, bool insecure_skip_tls_verify, bool allow_insecure_http,
            int receive_mode, int polling_interval_ms, bool disable_auto_refresh,
            bool stream_replies, int max_response_bytes, int reconnect_base_delay_ms,
            int reconnect_max_delay_ms, int receive_queue_limit) {
    dl_client_options options;
    dl_client *client = NULL;
    dl_client_options_init(&options);
    options.endpoint = endpoint;
    options.api_version = api_version;
    options.connect_timeout_ms = connect_timeout_ms;
    options.request_timeout_ms = request_timeout_ms;
    options.retry_max_attempts = retry_max_attempts;
    options.retry_deadline_ms = retry_deadline_ms;
    options.retry_base_delay_ms = retry_base_delay_ms;
    options.user_agent = user_agent;
    options.proxy = proxy;
    options.ca_file = ca_file;
    options.insecure_skip_tls_verify = insecure_skip_tls_verify ? 1 : 0;
    options.allow_insecure_http = allow_insecure_http ? 1 : 0;
    options.receive_mode = receive_mode;
    options.polling_interval_ms = polling_interval_ms;
    options.disable_auto_refresh = disable_auto_refresh ? 1 : 0;
    options.stream_replies = stream_replies ? 1 : 0;
    options.max_response_bytes = max_response_bytes;
    options.reconnect_base_delay_ms = reconnect_base_delay_ms;
    options.reconnect_max_delay_ms = reconnect_max_delay_ms;
    options.receive_queue_limit = receive_queue_limit;
    dlswig_check(dl_client_new(&options, &client));
    return client;
  }
  ~dl_client() { dl_client_free($self); }

  const char *effective_endpoint() const { return dl_client_endpoint($self); }

  %newobject issue_token;
  dl_token *issue_token(const char *secret, const char *user_id, const char *user_name,
                        const char *origins_lines) {
    dl_token *token = NULL;
    dlswig_check(dlswig_generate_token($self, secret, user_id, user_name, origins_lines, &token));
    return token;
  }
  %newobject renew_token;
  dl_token *renew_token(const char *token, const char *conversation_id) {
    dl_token *refreshed = NULL;
    dlswig_check(dl_refresh_token($self, token, conversation_id, &refreshed));
    return refreshed;
  }
  %newobject begin_conversation;
  dl_conversation *begin_conversation(const char *secret_or_token) {
    dl_conversation *conversation = NULL;
    dlswig_check(dl_start_conversation($self, secret_or_token, &conversation));
    return conversation;
  }
  %newobject begin_conversation_with;
  dl_conversation *begin_conversation_with(const char *secret_or_token, const char *user_id,
                                           const char *user_name, const char *locale,
                                           const char *local_timezone, bool send_start_event) {
    dl_start_options options = DL_START_OPTIONS_INIT;
    dl_conversation *conversation = NULL;
    options.user_id = user_id;
    options.user_name = user_name;
    options.locale = locale;
    options.local_timezone = local_timezone;
    options.send_start_event = send_start_event ? 1 : 0;
    dlswig_check(dl_start_conversation_with($self, secret_or_token, &options, &conversation));
    return conversation;
  }
  %newobject fetch_agent_token;
  dl_token *fetch_agent_token(const char *token_endpoint_url) {
    dl_token *token = NULL;
    dlswig_check(dl_fetch_token($self, token_endpoint_url, &token));
    return token;
  }
  %newobject fetch_region_endpoint;
  char *fetch_region_endpoint(const char *token_endpoint_url) {
    char *endpoint = NULL;
    dlswig_check(dl_fetch_regional_endpoint($self, token_endpoint_url, &endpoint));
    return endpoint;
  }
  %newobject attach_conversation;
  dl_conversation *attach_conversation(const char *secret_or_token, const char *conversation_id,
                                       const char *watermark) {
    dl_conversation *conversation = NULL;
    dlswig_check(dl_open_conversation($self, secret_or_token, conversation_id, watermark,
                                      &conversation));
    return conversation;
  }
  %newobject restore_conversation;
  dl_conversation *restore_conversation(const char *state_json) {
    dl_conversation *conversation = NULL;
    dlswig_check(dl_resume_conversation($self, state_json, &conversation));
    return conversation;
  }
}

%extend dl_token {
  ~dl_token() { dl_token_free($self); }
  const char *token_value() const { return dl_token_value($self); }
  const char *bound_conversation_id() const { return dl_token_conversation_id($self); }
  int lifetime_seconds() const { return dl_token_expires_in($self); }
}

%extend dl_activity {
  ~dl_activity() { dl_activity_free($self); }
  const char *full_json() const { return dl_activity_json($self); }
  const char *activity_id() const { return dl_activity_id($self); }
  const char *activity_type() const { return dl_activity_type($self); }
  const char *activity_text() const { return dl_activity_text($self); }
  const char *sender_id() const { return dl_activity_from_id($self); }
  bool posted_by_self() const { return dl_activity_is_own($self) != 0; }
  const char *replied_to() const { return dl_activity_reply_to_id($self); }
  const char *stream_identifier() const { return dl_activity_stream_id($self); }
  const char *stream_kind() const { return dl_activity_stream_type($self); }
  int stream_position() const { return dl_activity_stream_sequence($self); }
  const char *signin_link() const { return dl_activity_signin_url($self); }
}

%extend dl_conversation {
  ~dl_conversation() { dl_conversation_free($self); }

  const char *conversation_id() const { return dl_conversation_id($self); }
  const char *current_token() const { return dl_conversation_token($self); }
  int token_lifetime_seconds() const { return dl_conversation_expires_in($self); }
  const char *current_stream_url() const { return dl_conversation_stream_url($self); }
  bool created_new() const { return dl_conversation_is_new($self) != 0; }
  bool has_ended() const { return dl_conversation_is_ended($self) != 0; }
  const char *last_watermark() const { return dl_conversation_watermark($self); }
  const char *started_user_id() const { return dl_conversation_user_id($self); }

  %newobject post_json;
  char *post_json(const char *activity_json) {
    char *id = NULL;
    dlswig_check(dl_conversation_post_activity($self, activity_json, &id));
    return id;
  }
  %newobject send_text;
  char *send_text(const char *user_id, const char *text) {
    char *id = NULL;
    dlswig_check(dl_conversation_send_message($self, user_id, text, &id));
    return id;
  }
  %newobject upload_batch;
  char *upload_batch(const char *user_id, const dlswig_upload_batch *batch,
                     const char *activity_json) {
    char *id = NULL;
    dlswig_check(dl_conversation_upload($self, user_id, batch ? batch->files : NULL,
                                        batch ? batch->count : 0, activity_json, &id));
    return id;
  }
  %newobject finish;
  char *finish(const char *user_id) {
    char *id = NULL;
    dlswig_check(dl_conversation_end($self, user_id, &id));
    return id;
  }
  %newobject fetch_activity_set;
  char *fetch_activity_set(const char *watermark) {
    char *set_json = NULL;
    dlswig_check(dl_conversation_get_activities($self, watermark, &set_json));
    return set_json;
  }
  void reconnect_from(const char *watermark) {
    dlswig_check(dl_conversation_reconnect($self, watermark));
  }
  void refresh_now() { dlswig_check(dl_conversation_refresh_token($self)); }
  void replace_token(const char *token) { dlswig_check(dl_conversation_set_token($self, token)); }

  /* NULL when nothing arrived within timeout_ms; other failures raise. */
  %newobject wait_activity;
  dl_activity *wait_activity(int timeout_ms) {
    dl_activity *activity = NULL;
    int rc = dl_conversation_next_activity($self, timeout_ms, &activity);
    if (rc != DL_ETIMEOUT) dlswig_check(rc);
    return activity;
  }
  /* Wakes waiters (they fail with DL_ECANCELLED); the handle stays valid. */
  void stop_receiving() { dl_conversation_close($self); }

  %newobject export_state;
  char *export_state() const {
    char *state = NULL;
    dlswig_check(dl_conversation_export($self, &state));
    return state;
  }
}
