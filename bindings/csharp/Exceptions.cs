using System;

namespace DirectLine
{
    /// <summary>Why a call failed: the C library's dl_result codes, by name (values are the C codes).</summary>
    public enum ErrorCode
    {
        /// <summary>Invalid argument (null, bad JSON, bad state, bad option).</summary>
        InvalidArgument = DirectLineNative.DL_EINVALID,
        /// <summary>HTTP 401: missing or malformed credentials.</summary>
        Unauthorized = DirectLineNative.DL_EUNAUTHORIZED,
        /// <summary>HTTP 403: unknown secret or token, or a token of another conversation.</summary>
        Forbidden = DirectLineNative.DL_EFORBIDDEN,
        /// <summary>HTTP 403 with the service code "TokenExpired".</summary>
        TokenExpired = DirectLineNative.DL_ETOKEN_EXPIRED,
        /// <summary>HTTP 404: unknown conversation or path.</summary>
        NotFound = DirectLineNative.DL_ENOTFOUND,
        /// <summary>HTTP 409.</summary>
        Conflict = DirectLineNative.DL_ECONFLICT,
        /// <summary>HTTP 429; see <see cref="DirectLineException.RetryAfter"/>.</summary>
        Throttled = DirectLineNative.DL_ETHROTTLED,
        /// <summary>HTTP 502/504: the bot failed or timed out.</summary>
        BotError = DirectLineNative.DL_EBOT,
        /// <summary>Another HTTP 5xx, or an unexpected status.</summary>
        ServerError = DirectLineNative.DL_ESERVER,
        /// <summary>Connect failure, dropped connection, DNS, proxy.</summary>
        Network = DirectLineNative.DL_ENETWORK,
        /// <summary>A request timed out.</summary>
        Timeout = DirectLineNative.DL_ETIMEOUT,
        /// <summary>TLS handshake or certificate verification failed.</summary>
        Tls = DirectLineNative.DL_ETLS,
        /// <summary>Malformed, oversized or truncated response, or a redirect.</summary>
        Protocol = DirectLineNative.DL_EPROTOCOL,
        /// <summary>The conversation has ended (endOfConversation).</summary>
        ConversationEnded = DirectLineNative.DL_EENDED,
        /// <summary>The conversation was closed while the call waited.</summary>
        Cancelled = DirectLineNative.DL_ECANCELLED,
        /// <summary>Out of memory.</summary>
        OutOfMemory = DirectLineNative.DL_ENOMEM,
        /// <summary>HTTP 400/413: the service rejected the request.</summary>
        BadRequest = DirectLineNative.DL_EBAD_REQUEST,
        /// <summary>Plain http to a non-loopback host without opting in.</summary>
        Insecure = DirectLineNative.DL_EINSECURE,
        /// <summary>A bug in the library; please report it.</summary>
        Internal = DirectLineNative.DL_EINTERNAL,
        /// <summary>A code newer than this binding.</summary>
        Unknown = int.MinValue,
    }

    /// <summary>
    /// A failed Direct Line call. The subclass tells the kind of failure (e.g.
    /// <see cref="TokenExpiredException"/>, <see cref="ThrottledException"/>);
    /// the properties carry what the C library reported. Messages never contain
    /// secrets or tokens.
    /// </summary>
    public class DirectLineException : Exception
    {
        /// <summary>Creates the exception; the library throws a subclass for each kind of failure.</summary>
        public DirectLineException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(message)
        {
            Code = code;
            HttpStatus = httpStatus;
            ServiceCode = serviceCode ?? "";
            RetryAfter = retryAfter;
        }

        /// <summary>The kind of failure.</summary>
        public ErrorCode Code { get; private set; }

        /// <summary>HTTP status of the failing response; 0 when there was none.</summary>
        public int HttpStatus { get; private set; }

        /// <summary>The service's error code (e.g. "TokenExpired"); "" when none.</summary>
        public string ServiceCode { get; private set; }

        /// <summary>Seconds the service asked to wait (Retry-After); -1 when it sent none.</summary>
        public int RetryAfter { get; private set; }

        /// <summary>The C name of the code, e.g. "DL_ETOKEN_EXPIRED" ("DL_UNKNOWN" for a code newer than this binding).</summary>
        public string ResultName
        {
            get { return DirectLineNative.dl_result_name((int)Code); }
        }

        /// <summary>Called from the native layer (through a registered callback) for a failed call.</summary>
        internal static DirectLineException FromNative(int nativeCode, int httpStatus, string serviceCode,
                                                       string message, int retryAfter)
        {
            ErrorCode code = Enum.IsDefined(typeof(ErrorCode), nativeCode) ? (ErrorCode)nativeCode : ErrorCode.Unknown;
            string text = string.IsNullOrEmpty(message) ? code.ToString() : message;
            switch (code)
            {
                case ErrorCode.InvalidArgument: return new InvalidArgumentException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Unauthorized: return new UnauthorizedException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Forbidden: return new ForbiddenException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.TokenExpired: return new TokenExpiredException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.NotFound: return new NotFoundException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Conflict: return new ConflictException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Throttled: return new ThrottledException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.BotError: return new BotException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.ServerError: return new ServerException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Network: return new NetworkException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Timeout: return new RequestTimeoutException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Tls: return new TlsException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Protocol: return new ProtocolViolationException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.ConversationEnded: return new ConversationEndedException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Cancelled: return new CancelledException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.BadRequest: return new BadRequestException(code, httpStatus, serviceCode, text, retryAfter);
                case ErrorCode.Insecure: return new InsecureConnectionException(code, httpStatus, serviceCode, text, retryAfter);
                default: return new DirectLineException(code, httpStatus, serviceCode, text, retryAfter);
            }
        }
    }

    /// <summary>An argument was null or malformed, an option invalid, or the handle in the wrong state.</summary>
    public class InvalidArgumentException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public InvalidArgumentException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 401: missing or malformed credentials.</summary>
    public class UnauthorizedException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public UnauthorizedException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 403: unknown secret or token, or a token of another conversation.</summary>
    public class ForbiddenException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ForbiddenException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 403 with service code TokenExpired: refresh or generate a new token.</summary>
    public class TokenExpiredException : ForbiddenException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public TokenExpiredException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 404: unknown conversation or path.</summary>
    public class NotFoundException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public NotFoundException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 409.</summary>
    public class ConflictException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ConflictException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 429: RetryAfter says how long to wait.</summary>
    public class ThrottledException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ThrottledException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 502/504: the bot failed or timed out.</summary>
    public class BotException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public BotException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>Another HTTP 5xx or an unexpected status.</summary>
    public class ServerException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ServerException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>Connection failure, dropped connection, DNS or proxy error.</summary>
    public class NetworkException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public NetworkException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>A request timed out.</summary>
    public class RequestTimeoutException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public RequestTimeoutException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>TLS handshake or certificate verification failed.</summary>
    public class TlsException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public TlsException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>A malformed or truncated response from the service.</summary>
    public class ProtocolViolationException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ProtocolViolationException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>The conversation has ended (endOfConversation).</summary>
    public class ConversationEndedException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public ConversationEndedException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>The conversation was closed while the call waited.</summary>
    public class CancelledException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public CancelledException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>HTTP 400/413: the service rejected the request.</summary>
    public class BadRequestException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public BadRequestException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }

    /// <summary>Plain http to a non-loopback host without AllowInsecureHttp.</summary>
    public class InsecureConnectionException : DirectLineException
    {
        /// <summary>Creates the exception; the library throws it for a failed call of this kind.</summary>
        public InsecureConnectionException(ErrorCode code, int httpStatus, string serviceCode, string message, int retryAfter)
            : base(code, httpStatus, serviceCode, message, retryAfter)
        {
        }
    }
}
