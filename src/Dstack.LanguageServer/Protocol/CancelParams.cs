namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>$/cancelRequest</c>: the id of the request to cancel.</summary>
public sealed record CancelParams(RequestId Id);
