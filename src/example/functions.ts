/**
 * The example app served by `npm start`: the seed's hello-world, process-order and sync-user.
 */
import { EventSchemas, Inngest } from '../index.js'

type Events = {
  'test/hello': { data: { name: string } }
  'order/created': { data: { orderId: string; userId: string } }
  'user/created': { data: { userId: string; email: string } }
}

export const inngest = new Inngest({ id: 'example', schemas: new EventSchemas().fromRecord<Events>() })

export const helloWorld = inngest.createFunction({ id: 'hello-world' }, { event: 'test/hello' }, async ({ event, step }) => {
  const greeting = await step.run('create-greeting', () => `Hello, ${event.data.name}!`)
  return greeting
})

export const processOrder = inngest.createFunction({ id: 'process-order' }, { event: 'order/created' }, async ({ event, step }) => {
  const user = await step.run('fetch-user', async () => ({ id: event.data.userId, email: `${event.data.userId}@example.com` }))
  await step.sleep('wait-a-bit', '1h')
  await step.run('send-email', async () => ({ to: user.email, subject: 'Order confirmed!' }))
  return { orderId: event.data.orderId }
})

export const syncUser = inngest.createFunction(
  { id: 'sync-user', concurrency: { limit: 10 } },
  { event: 'user/created' },
  async ({ event, step }) => {
    const profile = await step.run('fetch-profile', () => ({ id: event.data.userId, email: event.data.email }))
    await step.run('sync-to-crm', () => ({ synced: profile.id }))
    return { synced: profile.id }
  },
)
