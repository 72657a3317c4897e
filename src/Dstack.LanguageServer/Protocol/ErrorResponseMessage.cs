using System.Text.Json.Serialization;

namespace Dstack.LanguageServer.Protocol;

/// <summary>A failed response. <paramref name="Id"/> is null (and written as null) when the request's id could not be read.</summary>
public sealed record ErrorResponseMessage(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RequestId? Id,
    ResponseError Error) : JsonRpcMessage;
