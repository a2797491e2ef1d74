/** The event that starts the HTTP benchmarks' 1-step function (worker.ts); its data is the program (bench/program.ts). */
export const HTTP_PROGRAM_EVENT = 'bench/http-program'
