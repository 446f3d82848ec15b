using Serilog.Formatting;
using Serilog.Templates;

namespace Mem0Gateway.Logging;

/// <summary>
/// One JSON object per line with Elastic Common Schema names. Access-log events bring their own ECS-named properties
/// (<see cref="AccessLogFields"/>), which are spread at the top level; other events' properties follow under their own
/// (PascalCase, so never clashing with ECS) names.
/// </summary>
public static class EcsLogFormat
{
    public const string EcsVersion = "8.11.0";

    /// <summary><c>event.dataset</c> of application (non access-log) lines.</summary>
    public const string AppDataset = "mem0_gateway.app";

    public static ITextFormatter Create(string serviceName)
    {
        var service = serviceName.Replace("'", "''", StringComparison.Ordinal);
        return new ExpressionTemplate(
            "{ {'@timestamp': UtcDateTime(@t), 'log.level': ToString(@l, 'w'), 'log.logger': SourceContext, message: @m, " +
            $"'ecs.version': '{EcsVersion}', 'service.name': '{service}', " +
            $"'event.dataset': Coalesce(@p['{AccessLogFields.EventDataset}'], '{AppDataset}'), " +
            "'trace.id': @tr, 'span.id': @sp, " +
            "'error.type': if IsDefined(@x) then TypeOf(@x) else Undefined(), 'error.message': Inspect(@x).Message, " +
            "'error.stack_trace': Inspect(@x).StackTrace, ..Rest()} }\n");
    }
}
