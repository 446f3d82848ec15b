using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Hardening;

/// <summary>
/// Secret files fail closed: a token or key file that is empty (or only whitespace) stops the start with an error naming
/// the file, exactly like a missing one, instead of turning management auth off or falling back to a random key.
/// </summary>
public sealed class SecretFileTests
{
    [Theory]
    [InlineData("Gateway:Management:BearerTokenFile", "\n", "empty")]
    [InlineData("Gateway:Management:BearerTokenFile", "  \t \r\n", "empty")]
    [InlineData("Gateway:Management:BearerTokenFile", null, "cannot be read")]
    [InlineData("Gateway:Privacy:HashKeyFile", "\n", "empty")]
    [InlineData("Gateway:Privacy:HashKeyFile", null, "cannot be read")]
    public async Task An_empty_or_missing_secret_file_stops_the_start_and_names_the_file(string setting, string? content, string why)
    {
        var directory = Directory.CreateTempSubdirectory("mem0gw-secret-");
        var file = Path.Combine(directory.FullName, "secret");
        if (content is not null)
        {
            await File.WriteAllTextAsync(file, content);
        }

        try
        {
            var failure = await Record.ExceptionAsync(async () =>
            {
                await using var gateway = await GatewayInstance.StartAsync(new GatewayInstanceOptions { Settings = { [setting] = file } });
            });

            Assert.NotNull(failure);
            var message = string.Join(" | ", Chain(failure));
            Assert.Contains(file, message);
            Assert.Contains(setting, message);
            Assert.Contains(why, message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_token_file_with_a_trailing_newline_still_protects_the_metrics()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "t0ken\n");
        try
        {
            await using var gateway = await GatewayInstance.StartAsync(new GatewayInstanceOptions { Settings = { ["Gateway:Management:BearerTokenFile"] = file } });
            using var anonymous = await gateway.Management.GetAsync("/metrics");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e.Message;
        }
    }
}
