using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.TestKit;

/// <summary>One captured log call.</summary>
/// <param name="Level">The log level.</param>
/// <param name="Category">The logger category (for actors: the actor path).</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The logged exception, if any.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Properties">Structured-logging values (template placeholders and <c>{OriginalFormat}</c>), if any.</param>
public sealed record LogEntry(
    LogLevel Level,
    string Category,
    string Message,
    Exception? Exception,
    EventId EventId,
    IReadOnlyList<KeyValuePair<string, object?>> Properties)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"[{Level}] {Category}: {Message}" + (Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})");
}
