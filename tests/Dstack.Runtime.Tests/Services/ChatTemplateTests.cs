using System.Text.Json;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// Our renderer of HuggingFace chat templates: three templates in the styles real models use, each construct of the
/// supported subset once, HuggingFace's whitespace rules, and parse errors that name the line, the column and what
/// was expected.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ChatTemplateTests
{
    private const string Conversation = """
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is the capital of France? "},
         {"role": "assistant", "content": "Paris."}, {"role": "user", "content": "And of Italy?"}]
        """;

    [Fact]
    public void Llama2Style_FoldsTheSystemPromptIntoTheFirstTurn()
    {
        var prompt = Render(TestChatTemplates.Llama2, Conversation, bos: "<s>");

        Assert.Equal("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWhat is the capital of France? [/INST] Paris. </s><s>[INST] And of Italy? [/INST]", prompt);
    }

    [Fact]
    public void Llama2Style_TurnsOutOfOrder_RaiseTheTemplatesOwnMessage()
    {
        var e = Assert.Throws<ChatTemplateException>(() => Render(TestChatTemplates.Llama2, """[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]"""));

        Assert.True(e.Raised);
        Assert.Equal("Turns must alternate user, assistant, user, ...", e.Message);
    }

    [Fact]
    public void ChatMlStyle_WrapsEveryTurn_AndOpensTheAssistantsTurn()
    {
        var prompt = Render(TestChatTemplates.ChatMl, """[{"role": "system", "content": " Be brief. "}, {"role": "user", "content": "Hi"}]""");

        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void ChatMlStyle_WithoutTheGenerationPrompt_EndsAfterTheLastTurn()
    {
        var template = ChatTemplate.Parse(TestChatTemplates.ChatMl);

        var prompt = template.Render(Json("""[{"role": "user", "content": "Hi"}]"""), "", "", addGenerationPrompt: false);

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n", prompt);
    }

    [Fact]
    public void MistralStyle_UsesBosAndEos_AndRefusesASystemRole()
    {
        var prompt = Render(TestChatTemplates.Mistral, """[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Bye"}]""", bos: "<s>");
        var e = Assert.Throws<ChatTemplateException>(() => Render(TestChatTemplates.Mistral, """[{"role": "system", "content": "x"}]"""));

        Assert.Equal("<s>[INST] Hi [/INST]Hello!</s>[INST] Bye [/INST]", prompt);
        Assert.Equal("Only user and assistant roles are supported, not system", e.Message);
    }

    [Theory]
    [InlineData("{% for m in messages %}{{ loop.index0 }}{{ loop.index }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %},{% endfor %}", "01F,12,23L,")]
    [InlineData("{{ messages | length }} {{ messages[-1].content | upper }} {{ 'ABC' | lower }} {{ '  x  ' | trim }}|", "3 C abc x|")]
    [InlineData("{{ messages[0]['role'] == 'user' and not (messages[1].role == 'user') }} {{ 'b' in 'abc' }} {{ 'z' in ['x', 'y'] }} {{ false or 'y' }}", "True True False y")]
    [InlineData("{% if messages[0].role == 'system' %}s{% elif messages[0].role == 'user' %}u{% else %}o{% endif %}", "u")]
    [InlineData("{% set x = 'a' + \"b\" %}{% for m in messages %}{% set x = 'inner' %}{% endfor %}{{ x ~ 1 }}", "ab1")]
    [InlineData("{{ messages[5].content }}|{{ nothing }}|{{ nothing is defined }}|{{ messages[1:] | length }}|{{ 'abc'[1:] }}", "||False|2|bc")]
    [InlineData("{{ 'yes' if messages | length > 2 else 'no' }} {{ 7 % 3 }} {{ messages[0].content.strip() }}", "yes 1 a")]
    [InlineData("a  \n  {%- if true -%}  \n  b  {{- ' c ' -}}  d{# gone #}\n{% endif %}", "ab c d")]
    [InlineData("x\n    {% if true %}\n  y\n{% endif %}\nz", "x\n  y\nz")]
    public void EachConstructOfTheSubset_RendersAsJinja(string template, string expected)
    {
        var messages = """[{"role": "user", "content": "a "}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]""";

        Assert.Equal(expected, Render(template, messages));
    }

    [Theory]
    [InlineData("{% for m in messages %}\n{{ m.content }}", 2, 16, "expected `{% endfor %}` to close the `{% for %}` at line 1, column 4")]
    [InlineData("ok\n{{ m.content | title }}", 2, 16, "the filter `title` is not supported; use one of trim, length, upper, lower")]
    [InlineData("{% macro x() %}{% endmacro %}", 1, 4, "`{% macro %}` is not supported here")]
    [InlineData("{{ 'open }}", 1, 4, "expected `'` to end the string")]
    [InlineData("{% if a == %}x{% endif %}", 1, 12, "expected a value (a string, a number, a variable such as message or messages), found `%}`")]
    [InlineData("{{ a b }}", 1, 6, "expected `}}` to end the `{{ }}` output, found `b`")]
    [InlineData("{% endif %}", 1, 4, "`{% endif %}` has no block to close")]
    [InlineData("{{ range(3) }}", 1, 4, "the function `range()` is not supported")]
    [InlineData("{{ x ; }}", 1, 6, "unexpected character `;`")]
    [InlineData("{{ x", 1, 1, "expected `}}` to close the tag opened here")]
    public void ATemplateThatDoesNotParse_NamesTheLineColumnAndWhatWasExpected(string template, int line, int column, string message)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));

        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"chat_template line {line}, column {column}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueTheTemplateCannotUse_FailsWithItsPlace_NotAStackTrace()
    {
        var e = Assert.Throws<ChatTemplateException>(() => Render("\n{{ 'a' + messages | length }}", """[{"role": "user", "content": "x"}]"""));

        Assert.False(e.Raised);
        Assert.Equal("the chat_template failed at line 2, column 8: `+` cannot combine the string 'a' and the number 1", e.Message);
    }

    private static string Render(string template, string messages, string bos = "") =>
        ChatTemplate.Parse(template).Render(Json(messages), bos, "</s>");

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
