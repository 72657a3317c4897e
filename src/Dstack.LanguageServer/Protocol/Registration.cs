using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>One capability registered with the client at run time (<c>client/registerCapability</c>).</summary>
/// <param name="Id">The registration's id, to unregister it by.</param>
/// <param name="Method">The method it is for, such as <c>workspace/didChangeWatchedFiles</c>.</param>
/// <param name="RegisterOptions">The method's options.</param>
public sealed record Registration(string Id, string Method, JsonElement? RegisterOptions);
