using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// How a service is published as a chat model. As in dstack, the object has one shape per serving
/// <c>format</c>: <see cref="OpenAIChatModel"/> (<c>openai</c>) and <see cref="TgiChatModel"/> (<c>tgi</c>).
/// </summary>
[Variants("format", typeof(OpenAIChatModel), typeof(TgiChatModel))]
public abstract record ServiceModel
{
    [Description("The model type: chat.")]
    [DefaultValue("chat")]
    public ModelType Type { get; init; } = ModelType.Chat;

    [Description("The model name clients ask for, such as meta-llama/Meta-Llama-3.1-8B-Instruct.")]
    [Required]
    public string Name { get; init; } = string.Empty;

    [Description("The serving format, which decides the other properties: openai (an OpenAI-compatible API) or tgi (HuggingFace Text Generation Inference).")]
    [Required]
    public abstract string Format { get; }
}
