namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>window/logMessage</c>.</summary>
/// <param name="Type">One of <see cref="MessageType"/>.</param>
/// <param name="Message">The line to show in the client's log.</param>
public sealed record LogMessageParams(int Type, string Message);
