using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The arguments of one <c>workspace/executeCommand</c>, read by position. A missing or ill-shaped argument is
/// <see cref="ErrorCodes.InvalidParams"/>, with a message that shows what the command expects.
/// </summary>
public sealed class CommandArguments(string command, IReadOnlyList<JsonElement> arguments)
{
    public string Command { get; } = command;

    /// <summary>The first argument: the document's uri, as a string.</summary>
    public string Uri()
    {
        if (arguments.Count == 0 || arguments[0].ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(arguments[0].GetString()))
        {
            var found = arguments.Count == 0 ? "no arguments" : $"{arguments[0].ValueKind.ToString().ToLowerInvariant()} {arguments[0].GetRawText()}";
            throw Invalid($"its first argument must be the document's uri, such as \"file:///work/train.dstack.yml\" (found {found})");
        }

        return arguments[0].GetString()!;
    }

    /// <summary>The argument at <paramref name="index"/> read as <typeparamref name="T"/>; null when it is absent or JSON null.</summary>
    public T? Optional<T>(int index, JsonTypeInfo<T> type, string shape)
        where T : class
    {
        if (arguments.Count <= index || arguments[index].ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return arguments[index].Deserialize(type);
        }
        catch (JsonException e)
        {
            throw Invalid($"argument {index + 1} must be {shape} ({e.Message})");
        }
    }

    public JsonRpcException Invalid(string problem) =>
        new(ErrorCodes.InvalidParams, $"invalid params for '{Command}': {problem}");
}
