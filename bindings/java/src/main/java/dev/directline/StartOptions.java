package dev.directline;

/**
 * How {@link DirectLineClient#startConversation(String, StartOptions)} starts a
 * conversation: the user, locale and time zone of the startConversation event
 * Web Chat sends so that a Copilot Studio agent greets. Build with
 * {@link #builder()}; null fields are left out.
 */
public final class StartOptions {
  final String userId;
  final String userName;
  final String locale;
  final String localTimezone;
  final boolean sendStartEvent;

  private StartOptions(Builder b) {
    userId = b.userId;
    userName = b.userName;
    locale = b.locale;
    localTimezone = b.localTimezone;
    sendStartEvent = b.sendStartEvent;
  }

  /** A builder with every option unset (no start event). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link StartOptions}. */
  public static final class Builder {
    private String userId;
    private String userName;
    private String locale;
    private String localTimezone;
    private boolean sendStartEvent;

    private Builder() {}

    /** from.id of the start event; null: a generated "dl_..." id ({@link Conversation#getUserId()}). */
    public Builder userId(String value) { userId = value; return this; }
    /** from.name of the start event; null: none. */
    public Builder userName(String value) { userName = value; return this; }
    /** e.g. "fr-FR"; null: none. */
    public Builder locale(String value) { locale = value; return this; }
    /** IANA time zone, e.g. "Europe/Paris"; null: none. */
    public Builder localTimezone(String value) { localTimezone = value; return this; }
    /** Post the startConversation event right after the start, so that an agent greets. */
    public Builder sendStartEvent(boolean value) { sendStartEvent = value; return this; }

    /** The options. */
    public StartOptions build() {
      return new StartOptions(this);
    }
  }
}
