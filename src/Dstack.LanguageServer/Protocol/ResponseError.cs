using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>The <c>error</c> member of a JSON-RPC response.</summary>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">What went wrong, for the person reading the client's log.</param>
/// <param name="Data">Anything more, when there is something.</param>
public sealed record ResponseError(int Code, string Message, JsonElement? Data = null);
