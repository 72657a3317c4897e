using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>How a service is published as a chat model.</summary>
public sealed record ServiceModel
{
    [Description("The model type: chat.")]
    [DefaultValue("chat")]
    public string Type { get; init; } = "chat";

    [Description("The model name clients ask for, such as meta-llama/Meta-Llama-3.1-8B-Instruct.")]
    [Required]
    public string Name { get; init; } = string.Empty;

    [Description("The API the service speaks: openai or tgi.")]
    [DefaultValue("openai")]
    public string Format { get; init; } = "openai";

    [Description("The path prefix of the OpenAI-compatible API.")]
    [DefaultValue("/v1")]
    public string Prefix { get; init; } = "/v1";
}
