using Mem0Gateway.LoadTests;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { if (!cts.IsCancellationRequested) { e.Cancel = true; cts.Cancel(); } };
return await Cli.MainAsync(args, ct: cts.Token);
