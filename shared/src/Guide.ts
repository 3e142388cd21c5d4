import { z } from 'zod';
import { DEPARTMENTS, DEPARTMENT_CODES, ITEM_CATALOGUE, ITEM_KEYS } from './items';
import { WHEN_OBJECT, choice, strict, text } from './schema-kit';

const line = (label: string, max = 200) => text(label, { max });
const lines = (label: string) => z.array(line(label), { error: `请填写${label}。` }).min(1, { error: `${label}至少要有一条。` });

const Office = strict({ name: line('办理地点名称', 100), address: line('办理地点地址'), hours: line('办公时间') }, '办理地点');
const Hospital = strict({ id: line('医院编号', 64), name: line('医院名称', 100), city: line('所在城市', 20) }, '助产机构');
const PickupPoint = strict(
  { id: line('领取点编号', 64), name: line('领取点名称', 100), address: line('领取点地址'), hours: line('领取时间') },
  '领取点',
);
const GuideItem = strict(
  {
    key: z.enum(ITEM_KEYS, { error: '事项编号不正确。' }),
    name: line('事项名称', 50),
    department: choice(DEPARTMENT_CODES, '办理部门编号不正确。'),
    departmentName: line('办理部门名称', 50),
  },
  '事项',
);

function uniqueIds(field: 'hospitals' | 'pickupPoints', label: string) {
  return (value: unknown, ctx: z.core.$RefinementCtx<unknown>): void => {
    const list = (value as Record<string, unknown>)[field];
    if (!Array.isArray(list)) return;
    const seen = new Set<unknown>();
    list.forEach((entry, index) => {
      const id = (entry as { id?: unknown } | null)?.id;
      if (id === undefined) return;
      if (seen.has(id))
        ctx.addIssue({ code: 'custom', path: [field, index, 'id'], message: `${label}编号“${String(id)}”重复了。` });
      seen.add(id);
    });
  };
}

/**
 * The simple guide of standard appendix C, with the lists the form needs (hospitals, pickup points) and
 * the item catalogue. The BFF serves DEFAULT_GUIDE unless configuration overrides it.
 */
export const Guide = strict(
  {
    title: line('事项名称', 50),
    scope: line('适用范围'),
    materials: lines('申请材料'),
    timeLimit: strict(
      {
        workingDays: z
          .number({ error: '请填写办结时限（工作日数）。' })
          .int({ error: '办结时限应为整数个工作日。' })
          .min(1, { error: '办结时限至少1个工作日。' })
          .max(4, { error: '办结时限不能超过标准规定的4个工作日。' }),
        note: line('时限说明'),
      },
      '办结时限',
    ),
    fee: line('收费标准'),
    delivery: line('结果送达方式'),
    consultation: strict({ phone: line('咨询电话', 50), online: line('网上咨询途径') }, '咨询途径'),
    fullGuide: line('完整版办事指南查询途径').optional(),
    offices: z.array(Office, { error: '请填写办理地点。' }).min(1, { error: '办理地点至少要有一个。' }),
    hospitals: z.array(Hospital, { error: '请填写助产机构列表。' }).min(1, { error: '助产机构至少要有一个。' }),
    pickupPoints: z.array(PickupPoint, { error: '请填写领取点列表。' }).min(1, { error: '领取点至少要有一个。' }),
    items: z.array(GuideItem, { error: '请填写事项列表。' }).min(1, { error: '事项至少要有一个。' }),
  },
  '办事指南',
)
  .superRefine(uniqueIds('hospitals', '医院'), WHEN_OBJECT)
  .superRefine(uniqueIds('pickupPoints', '领取点'), WHEN_OBJECT);
export type Guide = z.infer<typeof Guide>;

const OFFICE_HOURS = '周一至周五 上午8:30—12:00，下午14:00—17:30（法定节假日除外，调休上班日正常办公）';

/**
 * The default guide (standard DB33 出生"一件事"联办服务规范, appendix C). Hospital and service-centre
 * entries are sample data for development; production configuration replaces them with the current lists.
 */
export const DEFAULT_GUIDE: Guide = {
  title: '出生“一件事”联办',
  scope: '在浙江省内助产机构出生、且符合浙江省内落户政策的新生儿。',
  materials: [
    '出生“一件事”联办登记表（在线填写，无需打印）',
    '新生儿父母双方居民身份证（上传身份证原件正反面照片，或共享规范化电子证照）',
    '新生儿拟落户方的居民户口簿（可通过政务数据共享获取，无需上传）',
    '新生儿父母的结婚证（可通过政务数据共享获取，无需上传）',
  ],
  timeLimit: {
    workingDays: 4,
    note: '自受理之日起4个工作日内办结，不包括信息确认时间、制卡时间和寄送时间；各部门在收到申请后1个工作日内办结本部门事项。',
  },
  fee: '不收费（不包括医保缴费和邮寄费用）。',
  delivery:
    '出生医学证明、预防接种证、居民户口簿、社会保障卡可选择邮寄送达，或到指定地点自取；选择自取的，证件办好后会通过消息或短信通知领取地点。',
  consultation: {
    phone: '12345（浙江政务服务热线）',
    online: '“浙里办”APP或浙江政务服务网“出生一件事”专区的智能客服',
  },
  fullGuide: '完整版办事指南可在浙江政务服务网或“浙里办”APP搜索“出生一件事”查看，也可在各地行政服务中心联办窗口索取。',
  offices: [
    {
      name: '各县（市、区）行政服务中心出生“一件事”联办窗口',
      address: '新生儿拟落户地所在县（市、区）行政服务中心',
      hours: OFFICE_HOURS,
    },
    {
      name: '助产机构出生医学证明办理窗口',
      address: '新生儿出生的医院内（具体位置见医院指引）',
      hours: OFFICE_HOURS,
    },
  ],
  hospitals: [
    { id: 'hz-zju-womens', name: '浙江大学医学院附属妇产科医院', city: '杭州' },
    { id: 'hz-maternal-child', name: '杭州市妇产科医院', city: '杭州' },
    { id: 'nb-women-children', name: '宁波大学附属妇女儿童医院', city: '宁波' },
    { id: 'wz-ruian-people', name: '瑞安市人民医院', city: '温州' },
    { id: 'wz-wmu-second', name: '温州医科大学附属第二医院', city: '温州' },
    { id: 'jh-yiwu-mch', name: '义乌市妇幼保健院', city: '金华' },
    { id: 'tz-mch', name: '台州市妇幼保健院', city: '台州' },
    { id: 'sx-mch', name: '绍兴市妇幼保健院', city: '绍兴' },
    { id: 'jx-mch', name: '嘉兴市妇幼保健院', city: '嘉兴' },
    { id: 'hu-mch', name: '湖州市妇幼保健院', city: '湖州' },
    { id: 'qz-mch', name: '衢州市妇幼保健院', city: '衢州' },
    { id: 'ls-mch', name: '丽水市妇幼保健院', city: '丽水' },
    { id: 'zs-women-children', name: '舟山市妇女儿童医院', city: '舟山' },
  ],
  pickupPoints: [
    {
      id: 'hz-citizen-center',
      name: '杭州市民之家（杭州市行政服务中心）',
      address: '杭州市上城区解放东路18号市民中心',
      hours: OFFICE_HOURS,
    },
    {
      id: 'jh-yiwu-service-center',
      name: '义乌市行政服务中心',
      address: '金华市义乌市行政服务中心出生“一件事”联办窗口',
      hours: OFFICE_HOURS,
    },
    {
      id: 'wz-ruian-service-center',
      name: '瑞安市行政服务中心',
      address: '温州市瑞安市行政服务中心出生“一件事”联办窗口',
      hours: OFFICE_HOURS,
    },
    {
      id: 'tz-service-center',
      name: '台州市行政服务中心',
      address: '台州市行政服务中心出生“一件事”联办窗口',
      hours: OFFICE_HOURS,
    },
  ],
  items: ITEM_KEYS.map((key) => {
    const item = ITEM_CATALOGUE[key];
    return { key, name: item.name, department: item.department, departmentName: DEPARTMENTS[item.department].name };
  }),
};

/** The subscribe-message templates the app asks for after submitting, per platform (from the BFF's config). */
export const SubscribeTemplates = z.object({
  wechat: z.array(z.string()).max(3),
  alipay: z.array(z.string()).max(3),
});
export type SubscribeTemplates = z.infer<typeof SubscribeTemplates>;

/** `GET /api/v1/guide`: the guide, and this deployment's subscribe-message templates. */
export const GuideResponse = Guide.extend({ subscribeTemplates: SubscribeTemplates.optional() });
export type GuideResponse = z.infer<typeof GuideResponse>;
