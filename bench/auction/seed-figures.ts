/**
 * Seed 003's load test (Seven et al. 2020, `../shared/seeds/003_6ef1bb86f759f3e5.txt`,
 * §VI, Fig. 6 and Fig. 7): 1, 5, 10, 15, 25, 50 and 100 agents bidding on one public
 * Ethereum (Ropsten) auction contract. The text extraction lost both figures; what the
 * text states is kept here word for word, and nothing is read off a lost plot.
 */
export const SEED_FILE = '003_6ef1bb86f759f3e5.txt';

export const SEED_LOAD_TEST = {
  agents: [1, 5, 10, 15, 25, 50, 100],
  /** "When the system is overloaded with 100 agents, 73 percent of the requests are approved by the smart contract." */
  successPctAt100: 73,
  quotes: [
    'The system is working on asynchronous mode, and two participants might try to increase the highest bid at the same time, which can cause conflicts. Hence, some of the bidding attempts could be refused when the number of participants increases.',
    'When the system is overloaded with 100 agents, 73 percent of the requests are approved by the smart contract.',
    'Average execution time is affected by the load, and increasing the number of agents raises the processing time. With this result, 50 seconds is recommended as a period between the following requests from the same participant, to keep the system consistent.',
  ],
  /** AET = Σ(t_txconfir − t_txinput) / Count(tx in (t_i, t_j)), equation (1). */
  aetDefinition: 'AET = Σ (t_confirm − t_input) / count, over the requests of a time span (equation (1))',
  lost: 'Fig. 6 (successful bids per load) and Fig. 7 (AET per load) are lost in the text extraction: only the 73 % at 100 agents and the 50 s recommendation survive.',
} as const;
