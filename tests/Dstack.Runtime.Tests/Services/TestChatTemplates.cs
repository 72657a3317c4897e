namespace Dstack.Runtime.Tests.Services;

/// <summary>Chat templates written for these tests in the styles real models use (Llama 2, ChatML, Mistral).</summary>
internal static class TestChatTemplates
{
    /// <summary>Llama 2 style: an optional system prompt folded into the first user turn, roles must alternate.</summary>
    public const string Llama2 = """
        {% if messages[0]['role'] == 'system' %}
            {% set system = messages[0]['content'] %}
            {% set turns = messages[1:] %}
        {% else %}
            {% set system = '' %}
            {% set turns = messages %}
        {% endif %}
        {% for message in turns %}
            {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                {{ raise_exception('Turns must alternate user, assistant, user, ...') }}
            {% endif %}
            {% if loop.first and system != '' %}
                {% set text = '<<SYS>>\n' + system + '\n<</SYS>>\n\n' + message['content'] %}
            {% else %}
                {% set text = message['content'] %}
            {% endif %}
            {% if message['role'] == 'user' %}
                {{- bos_token + '[INST] ' + text | trim + ' [/INST]' -}}
            {% elif message['role'] == 'assistant' %}
                {{- ' ' + text | trim + ' ' + eos_token -}}
            {% endif %}
        {% endfor %}
        """;

    /// <summary>ChatML style: every turn between im_start and im_end, then the assistant's turn opened.</summary>
    public const string ChatMl = """
        {% for message in messages %}
        {{- "<|im_start|>" + message.role + "\n" + message.content | trim + "<|im_end|>\n" -}}
        {% endfor %}
        {% if add_generation_prompt %}
        {{- '<|im_start|>assistant\n' -}}
        {% endif %}
        """;

    /// <summary>Mistral style: user and assistant only, the last turn must be the user's.</summary>
    public const string Mistral = """
        {{ bos_token }}{% for message in messages %}{% if message['role'] not in ["user", "assistant"] %}{{ raise_exception('Only user and assistant roles are supported, not ' + message['role']) }}{% elif message.role == 'user' %}{{ '[INST] ' + message.content + ' [/INST]' }}{% else %}{{ message.content + eos_token }}{% endif %}{% if loop.last and message.role != 'user' %}{{ raise_exception("The last message must be the user's") }}{% endif %}{% endfor %}
        """;
}
