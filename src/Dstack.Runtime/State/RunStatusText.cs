namespace Dstack.Runtime.State;

/// <summary>How statuses are written in the state store, the JSON output and the tables: dstack's lower-case words.</summary>
public static class RunStatusText
{
    public static string ToText(this RunStatus status) => status.ToString().ToLowerInvariant();

    public static RunStatus Parse(string text) =>
        Enum.TryParse<RunStatus>(text, ignoreCase: true, out var status) ? status : throw new FormatException($"unknown run status '{text}' in the state store");

    /// <summary>True once nothing runs any more: terminated, aborted, failed or done.</summary>
    public static bool IsFinished(this RunStatus status) => status is RunStatus.Terminated or RunStatus.Aborted or RunStatus.Failed or RunStatus.Done;
}
