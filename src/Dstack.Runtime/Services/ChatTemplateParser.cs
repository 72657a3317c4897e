namespace Dstack.Runtime.Services;

/// <summary>
/// Parses the Jinja subset chat templates use into <see cref="ChatNode"/>s: <c>for</c> (with <c>else</c>),
/// <c>if</c>/<c>elif</c>/<c>else</c>, <c>set</c>, <c>{{ }}</c>; anything else is an error at its line and column saying
/// what was expected. Expressions are in <c>ChatTemplateParser.Expressions.cs</c>.
/// </summary>
internal sealed partial class ChatTemplateParser
{
    private readonly List<ChatToken> _tokens;
    private int _index;

    private ChatTemplateParser(List<ChatToken> tokens) => _tokens = tokens;

    private ChatToken Current => _tokens[_index];

    public static IReadOnlyList<ChatNode> Parse(string source)
    {
        var parser = new ChatTemplateParser(ChatTemplateLexer.Tokenize(source));
        return parser.ParseBody([]).Nodes;
    }

    /// <summary>Nodes up to one of <paramref name="enders"/> (returned, its tag name consumed) or the end of the template.</summary>
    private (List<ChatNode> Nodes, ChatToken? End) ParseBody(string[] enders)
    {
        var nodes = new List<ChatNode>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case ChatTokenKind.End:
                    _index--;
                    return (nodes, null);
                case ChatTokenKind.Text:
                    nodes.Add(new ChatText(token.Value));
                    break;
                case ChatTokenKind.OutputStart:
                    nodes.Add(new ChatOutput(ParseExpression()));
                    Expect(ChatTokenKind.OutputEnd, "}}", "to end the `{{ }}` output");
                    break;
                default:
                    var name = Next();
                    if (name.Kind != ChatTokenKind.Name)
                    {
                        throw Error($"expected a tag name (for, if, set, ...) after `{{%`, found {name.Describe()}", name);
                    }

                    if (enders.Contains(name.Value))
                    {
                        return (nodes, name);
                    }

                    if (name.Value is "endfor" or "endif" or "elif" or "else")
                    {
                        throw Error($"`{{% {name.Value} %}}` has no block to close (no open `{(name.Value == "endfor" ? "for" : "if")}`)", name);
                    }

                    nodes.Add(ParseBlock(name));
                    break;
            }
        }
    }

    private ChatNode ParseBlock(ChatToken name)
    {
        switch (name.Value)
        {
            case "for":
                var variable = Expect(ChatTokenKind.Name, null, "as the loop variable after `for`");
                ExpectName("in", "after the loop variable");
                var items = ParseExpression();
                EndTag("for");
                var (body, end) = ParseBody(["endfor", "else"]);
                List<ChatNode>? otherwise = null;
                if (end is { Value: "else" })
                {
                    EndTag("else");
                    (otherwise, end) = ParseBody(["endfor"]);
                }

                Closed(end, "endfor", name);
                return new ChatFor(variable.Value, items, body, otherwise);
            case "if":
                var branches = new List<(ChatExpr, IReadOnlyList<ChatNode>)>();
                ChatToken? ender;
                List<ChatNode>? elseBody = null;
                var condition = ParseExpression();
                while (true)
                {
                    EndTag("if");
                    (var branch, ender) = ParseBody(["elif", "else", "endif"]);
                    branches.Add((condition, branch));
                    if (ender is not { Value: "elif" })
                    {
                        break;
                    }

                    condition = ParseExpression();
                }

                if (ender is { Value: "else" })
                {
                    EndTag("else");
                    (elseBody, ender) = ParseBody(["endif"]);
                }

                Closed(ender, "endif", name);
                return new ChatIf(branches, elseBody);
            case "set":
                var target = Expect(ChatTokenKind.Name, null, "as the variable after `set`");
                Expect(ChatTokenKind.Operator, "=", "after the variable of `set` (block `set` is not supported)");
                var value = ParseExpression();
                EndTag("set");
                return new ChatSet(target.Value, value);
            default:
                throw Error($"`{{% {name.Value} %}}` is not supported here; chat templates may use for, if/elif/else, set", name);
        }
    }

    private void Closed(ChatToken? end, string ender, ChatToken opened)
    {
        if (end is null)
        {
            throw Error($"expected `{{% {ender} %}}` to close the `{{% {opened.Value} %}}` at line {opened.Line}, column {opened.Column}", Current);
        }

        EndTag(ender);
    }

    private void EndTag(string tag) => Expect(ChatTokenKind.BlockEnd, "%}", $"to end the `{tag}` tag");

    private void ExpectName(string name, string why)
    {
        if (!Current.Is(ChatTokenKind.Name, name))
        {
            throw Error($"expected `{name}` {why}, found {Current.Describe()}", Current);
        }

        _index++;
    }

    private ChatToken Expect(ChatTokenKind kind, string? value, string why)
    {
        var token = Current;
        if (token.Kind != kind || (value is not null && token.Value != value))
        {
            var wanted = value is not null ? $"`{value}`" : kind.ToString().ToLowerInvariant();
            throw Error($"expected {wanted} {why}, found {token.Describe()}", token);
        }

        _index++;
        return token;
    }

    private ChatToken Next() => _tokens[_index++];

    private static ChatTemplateException Error(string message, ChatToken at) => new(message, at.Line, at.Column);
}
