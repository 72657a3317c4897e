using System.Text.Json;

namespace Dstack.Runtime.Services;

/// <summary>
/// A HuggingFace chat template (Jinja), parsed once, that turns a chat's messages into the one prompt a TGI model
/// reads. Our own renderer for the subset chat templates use (docs/services.md lists it): <c>for</c> with
/// <c>loop.first/last/index0</c>, <c>if/elif/else</c>, <c>set</c>, <c>{{ }}</c>, <c>+</c> and <c>~</c>, item and
/// attribute access, comparisons, <c>and/or/not/in</c>, filters <c>trim length upper lower</c>, whitespace control and
/// <c>raise_exception('...')</c>. Rendered as HuggingFace does: trim_blocks and lstrip_blocks on.
/// </summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<ChatNode> _nodes;

    private ChatTemplate(IReadOnlyList<ChatNode> nodes) => _nodes = nodes;

    /// <summary>Parses a template.</summary>
    /// <exception cref="ChatTemplateException">It does not parse; the message names the line, column and what was expected.</exception>
    public static ChatTemplate Parse(string source) => new(ChatTemplateParser.Parse(source));

    /// <summary>The prompt for <paramref name="messages"/> (a JSON array of <c>{role, content}</c> objects).</summary>
    /// <exception cref="ChatTemplateException">The template raised an exception (<see cref="ChatTemplateException.Raised"/>) or met a value it cannot use.</exception>
    public string Render(JsonElement messages, string bosToken, string eosToken, bool addGenerationPrompt = true)
    {
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = FromJson(messages),
            ["bos_token"] = bosToken,
            ["eos_token"] = eosToken,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        return ChatTemplateRenderer.Render(_nodes, globals);
    }

    /// <summary>A JSON value as a template value: objects become mappings, arrays lists, numbers longs or doubles.</summary>
    internal static object? FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => FromJson(g.Last().Value), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
