-- Sample questions for each agent template: the agent gallery shows them so an owner can see
-- what a visitor might ask an agent of that kind before choosing it. They are illustrations of
-- the template's purpose (written from its description and prompt), not answers the product
-- promises. agent_templates keeps its RLS policy and grant (0002_agents.sql): authenticated
-- owners read active templates; nobody but migrations writes them.
alter table public.agent_templates
  add column sample_questions text[] not null default '{}'
    check (cardinality(sample_questions) <= 5);

update public.agent_templates set sample_questions = array[
  'What are your opening hours?',
  'Who should I contact about an invoice?',
  'Where can I find your address?'
] where id = 'receptionist';

update public.agent_templates set sample_questions = array[
  'Which plan fits a team of five?',
  'What does the premium plan include?',
  'Can I try it before I buy?'
] where id = 'sales';

update public.agent_templates set sample_questions = array[
  'The app will not sync: what should I check?',
  'How do I reset my password?',
  'What does error 403 mean here?'
] where id = 'technical-support';

update public.agent_templates set sample_questions = array[
  'What are you working on at the moment?',
  'How can I book a call with you?',
  'Which projects are you most proud of?'
] where id = 'personal-assistant';

update public.agent_templates set sample_questions = array[
  'Can you explain the first chapter simply?',
  'Give me an example of this concept.',
  'Quiz me on what I just read.'
] where id = 'educator';
