using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// The server's log: every line goes to stderr (never stdout, which carries the protocol). Warnings, errors and the
/// few events a user may look for (started, initialized by whom, stopped because the editor went) also go to the
/// client as <c>window/logMessage</c>, so that they show in the editor's output panel; per-message traces do not.
/// </summary>
public sealed class ServerLog(TextWriter stderr, ClientChannel client)
{
    private readonly TextWriter _stderr = TextWriter.Synchronized(stderr);

    /// <summary>A line for stderr only: traces of single messages, which would flood the editor's log.</summary>
    public void Info(string message) => Write("info", message);

    /// <summary>An event of the session a user may look for in the editor's log: stderr, and the client at level Info.</summary>
    public Task NoticeAsync(string message) => SendAsync(MessageType.Info, "info", message);

    public Task WarningAsync(string message) => SendAsync(MessageType.Warning, "warning", message);

    public Task ErrorAsync(string message) => SendAsync(MessageType.Error, "error", message);

    private async Task SendAsync(int type, string level, string message)
    {
        Write(level, message);
        try
        {
            await client.NotifyAsync(Methods.LogMessage, new LogMessageParams(type, message), LspJsonContext.Default.LogMessageParams).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client is gone; stderr still has the line.
            Write("error", $"could not send a log message to the client: {e.Message}");
        }
    }

    private void Write(string level, string message)
    {
        try
        {
            _stderr.WriteLine($"dstack-language-server {level}: {message}");
            _stderr.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr is closed: nowhere is left to log to, and the protocol must go on regardless.
        }
    }
}
