package dev.directline;

/**
 * A Direct Line token (from generateToken, refreshToken or fetchToken). Immutable.
 * toString() never shows the token value.
 */
public final class Token {
  private final String value;
  private final String conversationId;
  private final int expiresIn;

  Token(String value, String conversationId, int expiresIn) {
    this.value = value;
    this.conversationId = conversationId;
    this.expiresIn = expiresIn;
  }

  /** Copies a native token and frees it. */
  static Token take(NativeToken token) {
    try {
      return new Token(token.token_value(), token.bound_conversation_id(), token.lifetime_seconds());
    } finally {
      token.delete();
    }
  }

  /** The token string: a credential, keep it out of logs. */
  public String getValue() {
    return value;
  }

  /** The conversation the token is bound to; null when the service did not say (1.1). */
  public String getConversationId() {
    return conversationId;
  }

  /** Lifetime in seconds as returned by the service; 0 when unknown. */
  public int getExpiresIn() {
    return expiresIn;
  }

  @Override
  public String toString() {
    return "Token{conversationId=" + conversationId + ", expiresIn=" + expiresIn + "}";
  }
}
