using GeneratedArm.Cli;

return await GarmApp.RunAsync(args, Console.Out, Console.Error);
